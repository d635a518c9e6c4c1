import { graphql } from '../../gql';

// Every field a staff cell shows: the board query and the subscription select the same, so a
// change from the websocket replaces the cell in the normalised cache.
export const StaffSlotFragment = graphql(`
  fragment StaffSlot on Slot {
    startsAt
    endsAt
    state
    bookable
    closedReason
    receptionist {
      id
    }
    booking {
      id
      status
      client {
        id
        nick
        firstName
        lastName
      }
      car {
        id
        plate
        model {
          id
          name
        }
      }
      repairType {
        id
        name
      }
    }
  }
`);

export const StaffDayDocument = graphql(`
  query StaffDay($date: Date!) {
    availability(date: $date) {
      date
      slotMinutes
      receptionists {
        id
        fullName
      }
      slots {
        ...StaffSlot
      }
    }
  }
`);

export const StaffSlotChangedDocument = graphql(`
  subscription StaffSlotChanged($date: Date!) {
    slotChanged(date: $date) {
      change
      at
      slot {
        ...StaffSlot
      }
    }
  }
`);

export const StaffCalendarDocument = graphql(`
  query StaffCalendar($from: Date!, $to: Date!) {
    closedDays(from: $from, to: $to) {
      date
      closed
      note
    }
  }
`);

export const SetClosedDayDocument = graphql(`
  mutation SetClosedDay($date: Date!, $closed: Boolean!, $note: String) {
    setClosedDay(date: $date, closed: $closed, note: $note) {
      date
      closed
      note
    }
  }
`);

export const BookingDetailsDocument = graphql(`
  query BookingDetails($id: ID!) {
    booking(id: $id) {
      id
      startsAt
      endsAt
      status
      price
      createdAt
      cancelReason
      priceLines {
        description
        quantity
        amount
      }
      receptionist {
        id
        fullName
      }
      client {
        id
        nick
        firstName
        lastName
        patronymic
        email
      }
      car {
        id
        vin
        plate
        mileageKm
        model {
          id
          name
        }
      }
      repairType {
        id
        name
      }
    }
  }
`);

export const StaffCancelDocument = graphql(`
  mutation StaffCancel($id: ID!, $reason: String) {
    cancelBooking(id: $id, reason: $reason) {
      id
      status
      cancelledAt
      cancelReason
    }
  }
`);

export const StaffMoveDocument = graphql(`
  mutation StaffMove($id: ID!, $receptionistId: ID!, $startsAt: DateTime!) {
    rescheduleBooking(id: $id, receptionistId: $receptionistId, startsAt: $startsAt) {
      id
      startsAt
      endsAt
      receptionist {
        id
        fullName
      }
    }
  }
`);

export const FindClientsDocument = graphql(`
  query FindClients($search: String!) {
    users(search: $search, first: 10) {
      edges {
        node {
          id
          nick
          firstName
          lastName
          email
        }
      }
    }
  }
`);

export const ClientCarsDocument = graphql(`
  query ClientCars($id: ID!) {
    user(id: $id) {
      id
      cars {
        id
        plate
        model {
          id
          name
        }
      }
    }
  }
`);
