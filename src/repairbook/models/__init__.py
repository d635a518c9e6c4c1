"""SQLAlchemy tables, one module per domain. Importing this package registers them all."""

from repairbook.models.accounts import ConsentChange, RefreshToken, Role, User
from repairbook.models.base import Base
from repairbook.models.booking import BoardVersion, Booking, BookingStatus, Quote
from repairbook.models.campaigns import Campaign, CampaignStatus
from repairbook.models.cars import Car
from repairbook.models.catalog import (
    CarModel,
    ClosedDay,
    Consumable,
    Engine,
    LaborRate,
    Oil,
    Receptionist,
    RepairKind,
    RepairType,
    RepairTypePart,
    WorkException,
    WorkPlanDay,
)
from repairbook.models.notifications import MessageKind, MessageStatus, OutboxMessage

__all__ = [
    "Base",
    "BoardVersion",
    "Booking",
    "BookingStatus",
    "Campaign",
    "CampaignStatus",
    "Car",
    "CarModel",
    "ClosedDay",
    "ConsentChange",
    "Consumable",
    "Engine",
    "LaborRate",
    "MessageKind",
    "MessageStatus",
    "Oil",
    "OutboxMessage",
    "Quote",
    "Receptionist",
    "RefreshToken",
    "RepairKind",
    "RepairType",
    "RepairTypePart",
    "Role",
    "User",
    "WorkException",
    "WorkPlanDay",
]
