"""The central service's tables. Times are ISO 8601 text in UTC with milliseconds, as the REST
contract sends them (they sort as they read). Tokens are kept only as sha256 hashes;
submissions only sealed (opened when staff read them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Setting(models.Model):
    key = models.CharField(max_length=100, primary_key=True)
    value = models.TextField()

    class Meta:
        db_table = "settings"


class Counter(models.Model):
    """Numbers handed out in order: locking its row serialises the writers that take one, so
    a number is never committed after a higher one (a reader counting on from a number it saw
    cannot miss one)."""

    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "counters"


class Device(models.Model):
    id = models.CharField(max_length=64, primary_key=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.CharField(max_length=40)
    revoked_at = models.CharField(max_length=40, null=True)

    class Meta:
        db_table = "devices"


class AdminToken(models.Model):
    token_hash = models.CharField(max_length=64, primary_key=True)
    created_at = models.CharField(max_length=40)

    class Meta:
        db_table = "admin_tokens"


class ReviewState(models.TextChoices):
    """As ODK Central has them; the citizen's status page words them in plain language."""

    RECEIVED = "received", "Received"
    IN_REVIEW = "in_review", "In review"
    NEEDS_INFORMATION = "needs_information", "Needs information"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Submission(models.Model):
    instance_id = models.CharField(max_length=200, primary_key=True)  # the idempotency key
    seq = models.BigIntegerField(unique=True)  # receive order (Counter "submissions")
    reference = models.CharField(max_length=64, db_index=True)
    device = models.ForeignKey(Device, on_delete=models.PROTECT, db_column="device_id")
    form_id = models.CharField(max_length=200)
    form_version = models.CharField(max_length=200)
    created_at = models.CharField(max_length=40)
    received_at = models.CharField(max_length=40)
    receipt_id = models.CharField(max_length=64, unique=True)
    payload_sha256 = models.CharField(max_length=64)  # of the opened payload
    envelope = models.BinaryField()  # still sealed: at rest the answers stay encrypted
    # Defaults in the database too: rows copied from an older database get them.
    state = models.CharField(max_length=20, choices=ReviewState.choices,
                             default=ReviewState.RECEIVED, db_default=ReviewState.RECEIVED)
    state_changed_at = models.CharField(max_length=40, null=True)
    citizen_note = models.TextField(default="", db_default="", blank=True)  # the status page's

    class Meta:
        db_table = "submissions"
        indexes = [models.Index(fields=["form_id", "seq"], name="submissions_form"),
                   models.Index(fields=["state", "seq"], name="submissions_state"),
                   models.Index(fields=["received_at"], name="submissions_received")]


class ReviewChange(models.Model):
    """Every change of a submission's review state, with who made it and the citizen's note."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE,
                                   related_name="changes")
    at = models.CharField(max_length=40)
    by = models.CharField(max_length=150)
    from_state = models.CharField(max_length=20, choices=ReviewState.choices)
    to_state = models.CharField(max_length=20, choices=ReviewState.choices)
    note = models.TextField(default="", blank=True)

    class Meta:
        db_table = "review_changes"


class Heartbeat(models.Model):
    device = models.OneToOneField(Device, on_delete=models.CASCADE, primary_key=True,
                                  db_column="device_id")
    received_at = models.CharField(max_length=40)
    queue_depth = models.BigIntegerField()
    rejected = models.BigIntegerField()
    oldest_waiting = models.CharField(max_length=40, null=True)
    last_sync_at = models.CharField(max_length=40, null=True)
    version = models.CharField(max_length=100)
    free_disk_bytes = models.BigIntegerField()
    interval_minutes = models.IntegerField(null=True)  # as the kiosk said: silent = 2 missed
    # The kiosk's last word on an update ({"state", "version", "message"?, "at"}): kept when
    # a later heartbeat says nothing of one, so the fleet view shows how the last one went.
    update_state = models.JSONField(null=True)

    class Meta:
        db_table = "heartbeats"


class UpdateOffer(models.Model):
    """A kiosk version the central offers (`kiosk central offer-update`): its package in the
    data folder's updates/, described by the release signature IT made off this machine (the
    central holds no release key: it hands the signature on, and kiosks check it). Offered to
    every kiosk, or to the pilot devices listed; the newest active offer that applies to a
    kiosk is the one it is offered."""

    version = models.CharField(max_length=64, unique=True)  # a Debian version (signing.py)
    file_name = models.CharField(max_length=200)  # in the data folder's updates/
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    signature = models.JSONField()  # the signature document, as kiosks are given it
    offered_at = models.CharField(max_length=40)
    withdrawn_at = models.CharField(max_length=40, null=True)
    devices = models.JSONField(null=True)  # the pilot group's device ids; null: every kiosk
    offered_by = models.CharField(max_length=150)

    class Meta:
        db_table = "update_offers"


class ConsultationWeekTally(models.Model):
    """Counts per ISO week and option: nothing here says who answered what."""

    form_id = models.CharField(max_length=200)
    question = models.CharField(max_length=200)
    week = models.CharField(max_length=10)
    option = models.CharField(max_length=200)
    count = models.BigIntegerField()

    class Meta:
        db_table = "consultation_week_tallies"
        constraints = [models.UniqueConstraint(fields=["form_id", "question", "week", "option"],
                                               name="one_tally")]


class ConsultationProgress(models.Model):
    form_id = models.CharField(max_length=200)
    question = models.CharField(max_length=200)
    last_seq = models.BigIntegerField()

    class Meta:
        db_table = "consultation_progress"
        constraints = [models.UniqueConstraint(fields=["form_id", "question"],
                                               name="one_progress")]


class AuditAnchor(models.Model):
    """Each kiosk's audit log head as its heartbeats report it, off the kiosk."""

    device = models.OneToOneField(Device, on_delete=models.CASCADE, primary_key=True,
                                  db_column="device_id")
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=128)
    anchored_at = models.CharField(max_length=40)
    problem = models.TextField(null=True)  # "cut short: ..." / "rewritten: ..." / NULL
    problem_at = models.CharField(max_length=40, null=True)

    class Meta:
        db_table = "audit_anchors"


class StaffRole(models.TextChoices):
    VIEWER = "viewer", "Viewer"  # reads the inbox's list, the fleet, exports of open data
    CASEWORKER = "caseworker", "Caseworker"  # opens submissions, changes review states
    ADMINISTRATOR = "administrator", "Administrator"  # and forms, kiosks, staff accounts


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="staff")
    role = models.CharField(max_length=20, choices=StaffRole.choices, default=StaffRole.VIEWER)

    class Meta:
        db_table = "staff_profiles"


class SignInGuard(models.Model):
    """Failed sign-ins per account name: the lockout lives here, so every worker sees it."""

    username = models.CharField(max_length=150, primary_key=True)
    failures = models.IntegerField(default=0)
    last_failure_at = models.CharField(max_length=40, null=True)
    locked_until = models.CharField(max_length=40, null=True)

    class Meta:
        db_table = "sign_in_guards"


class RateWindow(models.Model):
    """Requests counted per key (e.g. an address on the status page) in a fixed window."""

    key = models.CharField(max_length=200, primary_key=True)
    window_start = models.BigIntegerField()  # seconds since the epoch
    count = models.IntegerField(default=0)

    class Meta:
        db_table = "rate_windows"


class StaffAudit(models.Model):
    """Every sign-in and every action in the console: who, what, on what, from where."""

    at = models.CharField(max_length=40, db_index=True)
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=300, default="", blank=True)
    detail = models.TextField(default="", blank=True)
    address = models.CharField(max_length=64, default="", blank=True)

    class Meta:
        db_table = "staff_audit"
