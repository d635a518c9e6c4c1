"""GraphQL types for email campaigns."""

from __future__ import annotations

from datetime import datetime

import strawberry

from repairbook.campaigns.service import Audience, Progress
from repairbook.models import campaigns as m
from repairbook.models.notifications import MessageStatus
from repairbook.schema.catalog import gid
from repairbook.schema.ids import parse_id

CampaignStatus = strawberry.enum(m.CampaignStatus, name="CampaignStatus")


@strawberry.type(description="Who a campaign is for (combined; a person is counted once).")
class CampaignAudience:
    all_clients: bool
    user_ids: list[strawberry.ID]
    car_model_ids: list[strawberry.ID]


@strawberry.type
class Campaign:
    id: strawberry.ID
    subject: str
    text: str = strawberry.field(description="As written, in Markdown.")
    status: CampaignStatus  # type: ignore[valid-type]
    audience: CampaignAudience
    recipient_count: int = strawberry.field(
        description="Clients it reaches (counted when created; final once all are queued)."
    )
    queued_count: int = strawberry.field(description="Messages written to the outbox so far.")
    sent_count: int
    failed_count: int
    skipped_count: int = strawberry.field(
        description="Not sent: the campaign was cancelled or the client unsubscribed."
    )
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_progress(cls, progress: Progress) -> Campaign:
        row, counts = progress.campaign, progress.counts
        return cls(
            id=gid(row.id),
            subject=row.subject,
            text=row.text,
            status=row.status,
            audience=CampaignAudience(
                all_clients=row.all_clients,
                user_ids=[gid(i) for i in row.user_ids],
                car_model_ids=[gid(i) for i in row.car_model_ids],
            ),
            recipient_count=sum(counts.values()) if row.queued_all else row.recipient_count,
            queued_count=sum(counts.values()),
            sent_count=counts[MessageStatus.SENT],
            failed_count=counts[MessageStatus.FAILED],
            skipped_count=counts[MessageStatus.SKIPPED],
            created_at=row.created_at,
            finished_at=row.finished_at,
        )


@strawberry.type(description="A campaign as its email will show it, before it is sent.")
class CampaignPreview:
    subject: str
    html: str = strawberry.field(
        description="The text as the email's HTML part carries it: rendered and sanitised."
    )


@strawberry.input(
    description="Any combination; clients who did not agree to campaigns are left out."
)
class CampaignAudienceInput:
    all_clients: bool = False
    user_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    car_model_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Owners of cars of these models."
    )

    def to_domain(self) -> Audience:
        return Audience(
            all_clients=self.all_clients,
            user_ids=[parse_id(i, "userIds") for i in self.user_ids],
            car_model_ids=[parse_id(i, "carModelIds") for i in self.car_model_ids],
        )


@strawberry.input
class CreateCampaignInput:
    subject: str
    text: str = strawberry.field(description="Markdown; raw HTML is shown as text, not obeyed.")
    audience: CampaignAudienceInput
