import { graphql } from '../../gql';

export const WorkingTimeReceptionistsDocument = graphql(`
  query WorkingTimeReceptionists {
    receptionists(includeInactive: true) {
      id
      fullName
      active
    }
    shop {
      id
      opensAt
      closesAt
      slotMinutes
    }
  }
`);

export const WorkingTimeDocument = graphql(`
  query WorkingTime($receptionistId: ID!) {
    workingTime(receptionistId: $receptionistId) {
      id
      planned
      days {
        weekday
        working
        from
        to
        breaks {
          from
          to
        }
      }
      exceptions {
        id
        date
        working
        from
        to
        breaks {
          from
          to
        }
        note
      }
    }
  }
`);

// The mutations answer with the plan only: their `exceptions` are just the dates changed, and
// would replace the page's list in the normalised cache (the page re-reads it instead).
export const SetWorkPlanDocument = graphql(`
  mutation SetWorkPlan($receptionistId: ID!, $days: [PlanDayInput!]!, $cancelBookings: Boolean!, $reason: String) {
    setWorkPlan(receptionistId: $receptionistId, days: $days, cancelBookings: $cancelBookings, reason: $reason) {
      changedDays
      cancelledBookingIds
    }
  }
`);

export const SetWorkExceptionDocument = graphql(`
  mutation SetWorkException(
    $receptionistId: ID!
    $from: Date!
    $to: Date!
    $hours: WorkHoursInput
    $note: String
    $cancelBookings: Boolean!
    $reason: String
  ) {
    setWorkException(
      receptionistId: $receptionistId
      from: $from
      to: $to
      hours: $hours
      note: $note
      cancelBookings: $cancelBookings
      reason: $reason
    ) {
      changedDays
      cancelledBookingIds
    }
  }
`);

export const ClearWorkExceptionsDocument = graphql(`
  mutation ClearWorkExceptions($receptionistId: ID!, $from: Date!, $to: Date!, $cancelBookings: Boolean!, $reason: String) {
    clearWorkExceptions(receptionistId: $receptionistId, from: $from, to: $to, cancelBookings: $cancelBookings, reason: $reason) {
      changedDays
      cancelledBookingIds
    }
  }
`);
