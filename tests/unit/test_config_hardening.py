"""The hardened Streamlit configuration (`.streamlit/config.toml`) and where secrets live."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from streamlit import config as streamlit_config

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / ".streamlit" / "config.toml"
MAX_UPLOAD_MB = 50  # "small": a clinic's CSV/FHIR files, not Streamlit's 200 MB default


def _config() -> dict[str, Any]:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def _option(name: str) -> Any:
    section, key = name.split(".")
    return _config().get(section, {}).get(key)


def test_every_option_is_one_streamlit_knows() -> None:
    """A misspelt option would be ignored silently: every key must exist in Streamlit 1.67."""
    known = set(streamlit_config._config_options_template)
    written = {f"{section}.{key}" for section, values in _config().items() for key in values}
    assert written - known == set()


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("server.enableXsrfProtection", True),
        ("server.enableCORS", True),
        ("server.enableAgentApi", False),
        ("server.enableStaticServing", False),
        ("client.showErrorDetails", "none"),
        ("client.showErrorLinks", False),
        ("client.toolbarMode", "viewer"),
        ("client.disableDataExport", True),
        ("runner.magicEnabled", False),
        ("browser.gatherUsageStats", False),
    ],
)
def test_hardened_option_is_set(option: str, expected: object) -> None:
    """XSRF and CORS on, agent API off, no error details or links, viewer toolbar, no usage stats."""
    assert _option(option) == expected


def test_no_allowed_cross_origins() -> None:
    """CORS is not weakened by an allow-list of other origins."""
    assert not _option("server.corsAllowedOrigins")


def test_upload_limit_is_small() -> None:
    """Uploads are capped well below Streamlit's 200 MB default."""
    limit = _option("server.maxUploadSize")
    assert isinstance(limit, int) and 1 <= limit <= MAX_UPLOAD_MB


def test_agent_api_option_exists_and_is_off_by_default() -> None:
    """`server.enableAgentApi` is a real option of this Streamlit version (so `false` means something)."""
    option = streamlit_config._config_options_template["server.enableAgentApi"]
    assert option.default_val is False


def test_secrets_file_is_git_ignored() -> None:
    """`.streamlit/secrets.toml` can never be committed by accident."""
    if shutil.which("git") and (REPO / ".git").exists():
        answer = subprocess.run(
            ["git", "check-ignore", "--quiet", ".streamlit/secrets.toml"], cwd=REPO, check=False, timeout=30
        )
        assert answer.returncode == 0
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in [line.strip() for line in ignored]


def test_no_secrets_file_is_tracked() -> None:
    """Only the example secrets file is in the repository, never a real one."""
    if not (shutil.which("git") and (REPO / ".git").exists()):
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files", ".streamlit"], cwd=REPO, check=True, capture_output=True, text=True, timeout=30
    ).stdout.split()
    assert ".streamlit/secrets.toml" not in tracked


def test_config_holds_no_secret() -> None:
    """The committed config sets no signing key or cookie secret (those come from the environment)."""
    assert _option("server.cookieSecret") is None
    lowered = CONFIG.read_text(encoding="utf-8").lower()
    assert "kap_cookie_key" not in lowered and "kap_pseudonym_key" not in lowered
