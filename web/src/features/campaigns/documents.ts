import { graphql } from '../../gql';

export const CampaignsDocument = graphql(`
  query Campaigns {
    campaigns(first: 50) {
      id
      subject
      status
      recipientCount
      queuedCount
      sentCount
      failedCount
      skippedCount
      createdAt
      finishedAt
    }
  }
`);

export const CampaignPreviewDocument = graphql(`
  query CampaignPreview($subject: String!, $text: String!) {
    campaignPreview(subject: $subject, text: $text) {
      subject
      html
    }
  }
`);

export const AudienceCountDocument = graphql(`
  query AudienceCount($audience: CampaignAudienceInput!) {
    campaignAudiencePreview(audience: $audience)
  }
`);

export const AudienceChoicesDocument = graphql(`
  query AudienceChoices {
    carModels {
      id
      name
    }
  }
`);

export const CreateCampaignDocument = graphql(`
  mutation CreateCampaign($input: CreateCampaignInput!) {
    createCampaign(input: $input) {
      id
      subject
      status
      recipientCount
      queuedCount
      sentCount
      failedCount
      skippedCount
      createdAt
      finishedAt
    }
  }
`);

export const CancelCampaignDocument = graphql(`
  mutation CancelCampaign($id: ID!) {
    cancelCampaign(id: $id) {
      id
      status
      skippedCount
      finishedAt
    }
  }
`);
