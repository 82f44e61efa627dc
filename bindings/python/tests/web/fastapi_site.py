"""The FastAPI test site: the user in a cookie (standing in for a session), the gate as a
router dependency."""

from __future__ import annotations

import logging
import json
from typing import Annotated, Any, Dict, Optional
from urllib.parse import quote, unquote

from fastapi import APIRouter, Cookie, Depends, FastAPI, Request, Response

import site_keys
from userhash import Identity
from userhash.fastapi import UserHash


logging.basicConfig(level=logging.INFO)
logging.getLogger("userhash").setLevel(logging.DEBUG)

def current_identity(site_user: Optional[str] = Cookie(default=None)) -> Optional[Identity]:
    if not site_user:
        return None
    user = json.loads(unquote(site_user))
    return Identity(user_id=user["user_id"] if user["user_id"] != "-" else None, email=user["email"])


userhash = UserHash(identity=current_identity, settings=site_keys.settings())
app = FastAPI(lifespan=userhash.lifespan)
api = APIRouter(prefix="/api", dependencies=[Depends(userhash.gate)])


@app.get("/test/login")
def test_login(user: str, response: Response, email: Optional[str] = None) -> Dict[str, Any]:
    found = {"user_id": user, "email": email or None}
    response.set_cookie("site_user", quote(json.dumps(found)))
    return found


@app.get("/test/counts")
def counts() -> Dict[str, int]:
    return userhash.counts()


@api.api_route("/echo", methods=["GET", "POST"])
def echo(request: Request) -> Dict[str, Any]:
    decision = getattr(request.state, "userhash_decision", None)
    return {"ok": True, "outcome": decision.outcome.name.lower() if decision else None}


@app.get("/me")
def me(payload: Annotated[Optional[Dict[str, Any]], Depends(userhash.payload)]) -> Dict[str, Any]:
    return {"userhash": payload}


@app.get("/public")
def public() -> Dict[str, Any]:
    return {"ok": True}


app.include_router(api)
