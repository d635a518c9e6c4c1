import { graphql } from '../../gql';

export const DayBoardDocument = graphql(`
  query DayBoard($date: Date!) {
    availability(date: $date) {
      date
      slotMinutes
      receptionists {
        id
        fullName
      }
      slots {
        startsAt
        endsAt
        state
        bookable
        receptionist {
          id
        }
        booking {
          id
        }
      }
    }
  }
`);

export const SlotChangedDocument = graphql(`
  subscription SlotChanged($date: Date!) {
    slotChanged(date: $date) {
      change
      at
      slot {
        startsAt
        endsAt
        state
        bookable
        receptionist {
          id
        }
        booking {
          id
        }
      }
    }
  }
`);

export const BookingCalendarDocument = graphql(`
  query BookingCalendar($from: Date!, $to: Date!) {
    shop {
      id
      timeZone
      today
      lastBookableDay
    }
    availabilityCalendar(from: $from, to: $to) {
      id
      date
      open
      closedReason
      freeSlots
      totalSlots
    }
    me {
      id
      cars {
        id
        plate
        model {
          id
          name
          imageUrl
        }
      }
    }
    myBookings {
      id
      startsAt
      status
    }
  }
`);

export const RepairOptionsDocument = graphql(`
  query RepairOptions($carId: ID!) {
    repairOptions(carId: $carId) {
      repairType {
        id
        name
        kind
      }
      estimate {
        total
        lines {
          kind
          description
          quantity
          amount
        }
      }
    }
  }
`);

export const BookSlotDocument = graphql(`
  mutation BookSlot($input: BookSlotInput!) {
    bookSlot(input: $input) {
      id
      startsAt
      price
      status
    }
  }
`);

export const RescheduleDocument = graphql(`
  mutation Reschedule($id: ID!, $receptionistId: ID!, $startsAt: DateTime!) {
    rescheduleBooking(id: $id, receptionistId: $receptionistId, startsAt: $startsAt) {
      id
      startsAt
      receptionist {
        id
        fullName
      }
    }
  }
`);
