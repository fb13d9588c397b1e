"""Records rendered as RazorpayX's JSON entities (razorpayx-payouts.md §2). Razorpay shows
absent values as null, so nothing is left out."""

from __future__ import annotations

from sandbox.razorpayx.models import Contact, FundAccount, Json, Payout, Validation


def contact_view(contact: Contact) -> Json:
    return {
        "id": contact.id,
        "entity": "contact",
        "name": contact.name,
        "contact": contact.contact,
        "email": contact.email,
        "type": contact.type,
        "reference_id": contact.reference_id,
        "batch_id": None,
        "active": True,
        "notes": dict(contact.notes),
        "created_at": contact.created_at,
    }


def vpa_view(address: str) -> Json:
    username, _, handle = address.partition("@")
    return {"username": username, "handle": handle, "address": address}


def fund_account_view(account: FundAccount, *, with_contact: bool = False) -> Json:
    """The fund account; `with_contact` nests the contact, as composite payouts show it."""
    body: Json = {
        "id": account.id,
        "entity": "fund_account",
        "contact_id": account.contact.id,
        "account_type": "vpa",
        "vpa": vpa_view(account.address),
        "active": True,
        "batch_id": None,
        "created_at": account.created_at,
    }
    if with_contact:
        body["contact"] = contact_view(account.contact)
    return body


def payout_view(payout: Payout) -> Json:
    """The payout entity: the same for create, fetch, list, cancel and webhooks."""
    body: Json = {
        "id": payout.id,
        "entity": "payout",
        "fund_account_id": payout.fund_account.id,
        "amount": payout.amount,
        "currency": "INR",
        "notes": dict(payout.notes),
        "fees": payout.fees,
        "tax": payout.tax,
        "status": payout.status,
        "purpose": payout.purpose,
        "utr": payout.utr,
        "mode": "UPI",
        "reference_id": payout.reference_id,
        "narration": payout.narration,
        "batch_id": None,
        "status_details": None if payout.status_details is None else dict(payout.status_details),
        "debit_account_number": payout.debit_account_number,
        "created_at": payout.created_at,
        "fee_type": "",
    }
    if payout.composite:
        body["fund_account"] = fund_account_view(payout.fund_account, with_contact=True)
    return body


def validation_view(check: Validation, *, results_key: str = "validation_results") -> Json:
    """The `fund_account.validation` entity; webhooks call its results `results`."""
    completed = check.status == "completed"
    results = {
        "account_status": check.account_status,
        "registered_name": check.registered_name,
        "details": _result_details(check.account_status),
        "name_match_score": 100 if check.account_status == "active" else None,
    }
    return {
        "id": check.id,
        "entity": "fund_account.validation",
        "fund_account": fund_account_view(check.fund_account, with_contact=True),
        "status": check.status,
        results_key: results if completed else dict.fromkeys(results),
        "status_details": None if check.status_details is None else dict(check.status_details),
        "reference_id": check.reference_id,
        "notes": dict(check.notes),
        "created_at": check.created_at,
    }


def _result_details(account_status: str | None) -> str | None:
    if account_status == "active":
        return "VPA is valid and active."
    if account_status == "invalid":
        return "VPA is invalid."
    return None
