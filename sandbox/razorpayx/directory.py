"""Contacts and VPA fund accounts, deduplicated as RazorpayX does (razorpayx-payouts.md §2.5):
a contact is new unless name, email, phone, type and reference_id all match one we have; a
fund account is new unless its contact and VPA match one we have."""

from __future__ import annotations

from sandbox.razorpayx import ids
from sandbox.razorpayx.bodies import ContactBody
from sandbox.razorpayx.models import Contact, FundAccount
from sandbox.razorpayx.store import Store


def add_contact(store: Store, body: ContactBody, now: int) -> Contact:
    """The matching contact, or a new one."""
    contact = Contact(
        id=ids.new("cont"),
        name=body.name,
        created_at=now,
        email=body.email,
        contact=body.contact,
        type=body.type,
        reference_id=body.reference_id,
        notes=dict(body.notes),
    )
    existing = store.same_contact(contact.identity())
    if existing is not None:
        return existing
    store.contacts[contact.id] = contact
    return contact


def add_fund_account(store: Store, contact: Contact, address: str, now: int) -> FundAccount:
    """The contact's fund account for this VPA, or a new one (they are never edited)."""
    existing = store.same_fund_account(contact, address)
    if existing is not None:
        return existing
    account = FundAccount(id=ids.new("fa"), contact=contact, address=address, created_at=now)
    store.fund_accounts[account.id] = account
    return account
