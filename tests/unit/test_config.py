"""Settings: sandbox defaults, production refusal, environment parsing and `.env.example`."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from core.config import ProductionConfigError, Settings

ENV_EXAMPLE = Path(__file__).parents[2] / ".env.example"
STRONG = "k3Jx9vQ2mP7wL4tR8yZ1nB6c"  # 24 characters, no placeholder

PRODUCTION: dict[str, Any] = {
    "trustpay_env": "production",
    "public_base_url": "https://trustpay.example.in",
    "secret_key": STRONG,
    "database_url": "postgresql+psycopg://trustpay:pw@db:5432/trustpay",
    "setu_client_id": "client-1",
    "setu_client_secret": STRONG,
    "setu_merchant_id": "merchant-1",
    "setu_webhook_secret": STRONG,
    "payout_provider": "razorpayx",
    "razorpayx_key_id": "rzp_live_1",
    "razorpayx_key_secret": STRONG,
    "razorpayx_account_number": "2323230000000000",
    "razorpayx_webhook_secret": STRONG,
    "telegram_bot_token": "123456789:" + "A" * 35,
    "telegram_webhook_url": "https://trustpay.example.in/telegram",
    "telegram_webhook_secret": STRONG,
    "admin_telegram_ids": [42],
    "chain_rpc_url": "https://rpc.example.org",
    "chain_private_key": "0x" + "ab" * 32,
    "chain_contract_address": "0x" + "5f" * 20,
}

SANDBOX_PROBLEM_NAMES = [
    "SECRET_KEY",
    "DATABASE_URL",
    "SETU_CLIENT_ID",
    "PAYOUT_PROVIDER",
    "TELEGRAM_BOT_TOKEN",
    "ADMIN_TELEGRAM_IDS",
    "CHAIN_RPC_URL",
    "PUBLIC_BASE_URL",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No variable named after a setting leaks in from the machine running the tests."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


def _problem_names(settings: Settings) -> list[str]:
    return [problem.split(" ", 1)[0] for problem in settings.production_problems()]


def _documented_names() -> list[str]:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    return [m.group(1) for line in lines if (m := re.match(r"([A-Z][A-Z0-9_]*)=", line))]


def test_default_settings_use_every_sandbox() -> None:
    settings = _settings()
    assert settings.setu_is_sandbox
    assert settings.payouts_are_sandbox
    assert settings.telegram_is_sandbox
    assert settings.chain_is_sandbox
    assert settings.database_url.startswith("sqlite")
    assert not settings.is_production


def test_default_settings_list_every_sandbox_as_a_production_problem() -> None:
    assert _problem_names(_settings()) == SANDBOX_PROBLEM_NAMES


def test_defaults_outside_production_start_without_complaint() -> None:
    _settings().check_production()
    _settings(trustpay_env="test").check_production()


def test_defaults_in_production_refuse_to_start_and_list_each_problem() -> None:
    settings = _settings(trustpay_env="production")
    with pytest.raises(ProductionConfigError) as caught:
        settings.check_production()
    assert caught.value.problems == settings.production_problems()
    assert [p.split(" ", 1)[0] for p in caught.value.problems] == SANDBOX_PROBLEM_NAMES
    for name in SANDBOX_PROBLEM_NAMES:
        assert name in str(caught.value)


def test_a_fully_configured_production_has_no_problems() -> None:
    settings = _settings(**PRODUCTION)
    assert settings.production_problems() == []
    settings.check_production()
    sandboxes = [settings.setu_is_sandbox, settings.payouts_are_sandbox]
    sandboxes += [settings.telegram_is_sandbox, settings.chain_is_sandbox]
    assert sandboxes == [False, False, False, False]


@pytest.mark.parametrize(
    ("field", "value", "name"),
    [
        ("secret_key", "changeme", "SECRET_KEY"),
        ("secret_key", "short-but-real", "SECRET_KEY"),
        ("setu_merchant_id", "", "SETU_MERCHANT_ID"),
        ("setu_client_secret", "secret", "SETU_CLIENT_SECRET"),
        ("setu_webhook_secret", "", "SETU_WEBHOOK_SECRET"),
        ("razorpayx_key_id", " ", "RAZORPAYX_KEY_ID"),
        ("razorpayx_account_number", "", "RAZORPAYX_ACCOUNT_NUMBER"),
        ("razorpayx_key_secret", "placeholder", "RAZORPAYX_KEY_SECRET"),
        ("razorpayx_webhook_secret", "CHANGE-ME", "RAZORPAYX_WEBHOOK_SECRET"),
        ("telegram_webhook_secret", "", "TELEGRAM_WEBHOOK_SECRET"),
        ("admin_telegram_ids", [], "ADMIN_TELEGRAM_IDS"),
        ("chain_private_key", "", "CHAIN_PRIVATE_KEY"),
        ("chain_contract_address", "", "CHAIN_CONTRACT_ADDRESS"),
        ("chain_contract_address", "0x123", "CHAIN_CONTRACT_ADDRESS"),
        ("public_base_url", "http://trustpay.example.in", "PUBLIC_BASE_URL"),
        ("database_url", "sqlite+aiosqlite:///prod.db", "DATABASE_URL"),
    ],
)
def test_one_weak_production_setting_is_the_only_problem(field: str, value: Any, name: str) -> None:
    settings = _settings(**{**PRODUCTION, field: value})
    assert _problem_names(settings) == [name]
    with pytest.raises(ProductionConfigError):
        settings.check_production()


def test_manual_payouts_need_no_razorpayx_credentials() -> None:
    razorpayx = {key: "" for key in PRODUCTION if key.startswith("razorpayx_")}
    settings = _settings(**{**PRODUCTION, **razorpayx, "payout_provider": "manual"})
    assert settings.production_problems() == []


def test_polling_mode_needs_no_telegram_webhook_secret() -> None:
    settings = _settings(
        **{**PRODUCTION, "telegram_webhook_url": "", "telegram_webhook_secret": ""}
    )
    assert settings.production_problems() == []


def test_admin_ids_from_the_environment_are_split_on_commas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "1, 2,3")
    assert _settings().admin_telegram_ids == [1, 2, 3]


@pytest.mark.parametrize(
    ("raw", "ids"), [("", []), ("42", [42]), ("1;2", [1, 2]), (" 7 , ,8, ", [7, 8])]
)
def test_admin_ids_tolerate_blanks_and_semicolons(
    monkeypatch: pytest.MonkeyPatch, raw: str, ids: list[int]
) -> None:
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", raw)
    assert _settings().admin_telegram_ids == ids


def test_an_admin_id_that_is_not_a_number_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "1,bob")
    with pytest.raises(ValidationError):
        _settings()


@pytest.mark.parametrize(
    ("variable", "raw", "field", "value"),
    [
        ("CODE_TTL", "P7D", "code_ttl", timedelta(days=7)),
        ("PAYMENT_WINDOW", "PT24H", "payment_window", timedelta(hours=24)),
        ("RETRY_BASE_DELAY", "PT30S", "retry_base_delay", timedelta(seconds=30)),
        ("ANCHOR_INTERVAL", "PT5M", "anchor_interval", timedelta(minutes=5)),
        ("INTENT_LEASE", "00:01:30", "intent_lease", timedelta(seconds=90)),
    ],
)
def test_durations_are_read_as_iso_8601(
    monkeypatch: pytest.MonkeyPatch, variable: str, raw: str, field: str, value: timedelta
) -> None:
    monkeypatch.setenv(variable, raw)
    assert getattr(_settings(), field) == value


@pytest.mark.parametrize("raw", ["30", "30.0"])
def test_a_duration_may_be_given_in_seconds_as_env_example_says(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    if "or seconds" not in ENV_EXAMPLE.read_text(encoding="utf-8"):
        pytest.skip(".env.example no longer promises durations in seconds")
    monkeypatch.setenv("RETRY_BASE_DELAY", raw)
    assert _settings().retry_base_delay == timedelta(seconds=30)


def test_variable_names_are_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("fee_bps", "150")
    assert _settings().fee_bps == 150


def test_keyword_arguments_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEE_BPS", "150")
    assert _settings(fee_bps=20).fee_bps == 20


def test_a_maximum_amount_below_the_minimum_is_rejected() -> None:
    with pytest.raises(ValidationError, match="MAX_AMOUNT_PAISE"):
        _settings(min_amount_paise=50_000, max_amount_paise=10_000)


def test_a_maximum_equal_to_the_minimum_is_allowed() -> None:
    assert _settings(min_amount_paise=500, max_amount_paise=500).max_amount_paise == 500


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_amount_paise", 0),
        ("fee_bps", -1),
        ("fee_bps", 1001),
        ("description_max_length", 9),
        ("payout_max_attempts", 0),
        ("trustpay_env", "staging"),
        ("payout_provider", "paypal"),
        ("log_format", "xml"),
    ],
)
def test_an_out_of_range_setting_is_rejected(field: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        _settings(**{field: value})


def test_env_example_documents_every_setting_once_and_nothing_else() -> None:
    documented = _documented_names()
    assert len(documented) == len(set(documented)), "a name is documented twice"
    assert set(documented) == {name.upper() for name in Settings.model_fields}


def test_env_example_states_the_defaults_truthfully() -> None:
    from_example = Settings(_env_file=ENV_EXAMPLE)
    assert from_example.model_dump() == _settings().model_dump()


def test_secrets_are_hidden_when_settings_are_printed() -> None:
    settings = _settings(**PRODUCTION)
    assert STRONG not in repr(settings)
    assert STRONG not in str(settings.model_dump())
