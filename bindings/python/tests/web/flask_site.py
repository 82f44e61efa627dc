"""The Flask test site: the user in Flask's signed session, the gate as a before_request."""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, Optional

from flask import Flask, g, render_template_string, request, session

import site_keys
from userhash import Identity
from userhash.flask import UserHash, payload_json, state

logging.basicConfig(level=logging.INFO)
logging.getLogger("userhash").setLevel(logging.DEBUG)

app = Flask(__name__)
app.secret_key = "flask-test-site-key-not-a-userhash-secret"
for key, value in site_keys.settings().items():
    app.config[f"USERHASH_{key.upper()}"] = value


def current_identity() -> Optional[Identity]:
    user = session.get("user")
    return Identity(user_id=user["user_id"] if user["user_id"] != "-" else None, email=user["email"]) if user else None


userhash = UserHash(app, identity=current_identity)

PAGE = """<!doctype html><title>site</title>{{ userhash_payload() }}"""


@app.get("/test/login")
def test_login() -> Dict[str, Any]:
    user_id = request.args["user"]
    session["user"] = {"user_id": user_id, "email": request.args.get("email") or None}
    return dict(session["user"])


@app.get("/test/counts")
def counts() -> Dict[str, Any]:
    gate = state().gate
    return gate.counts() if gate else {}


@app.route("/api/echo", methods=["GET", "POST"])
def echo() -> Dict[str, Any]:
    decision = g.get("userhash_decision")
    return {"ok": True, "outcome": decision.outcome.name.lower() if decision else None}


@app.get("/page")
def page() -> str:
    g.csp_nonce = request.args.get("nonce")
    return render_template_string(PAGE)


@app.get("/me")
def me() -> Dict[str, Any]:
    text = payload_json()
    return {"userhash": json.loads(text) if text is not None else None}


@app.get("/public")
def public() -> Dict[str, Any]:
    return {"ok": True}
