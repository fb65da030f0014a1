"""The only page while logged out: the login form (and, on the demo database, its logins)."""

from __future__ import annotations

from components.login_form import login_page

login_page()
