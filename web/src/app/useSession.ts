import { useSyncExternalStore } from 'react';
import { useQuery } from 'urql';
import * as session from '../api/session';
import { graphql } from '../gql';

export function useSignedIn(): boolean {
  return useSyncExternalStore(session.subscribe, session.isSignedIn);
}

export const MeDocument = graphql(`
  query Me {
    me {
      id
      nick
      email
      emailVerified
      pendingEmail
      firstName
      lastName
      patronymic
      locale
      marketingOptIn
      role
      cars {
        id
      }
    }
  }
`);

export function useMe() {
  const signedIn = useSignedIn();
  const [result, reexecute] = useQuery({ query: MeDocument, pause: !signedIn });
  return { me: signedIn ? (result.data?.me ?? null) : null, fetching: result.fetching, error: result.error, reexecute };
}
