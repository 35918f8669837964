"""A small client of the admin API, for tests and scripts (``httpx`` underneath)."""

from __future__ import annotations

from typing import Any

import httpx


class AdminError(Exception):
    """The admin API answered with a problem; ``problem`` is its JSON body."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        detail = problem.get("detail") or problem.get("title") or ""
        super().__init__(f"{status}: {detail}")
        self.status, self.problem = status, problem


def _criteria(method: str | None, path: str | None, criteria: dict[str, Any]) -> dict[str, Any]:
    out = dict(criteria)
    if method is not None:
        out["method"] = method
    if path is not None:
        out["path"] = path
    return out


class AdminClient:
    """``/__admin`` of one server: journal queries, verification, ephemeral stubs, reset."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 10.0) -> None:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(
            base_url=base_url.rstrip("/") + "/__admin", headers=headers, timeout=timeout
        )

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        r = self.http.request(method, path, **kwargs)
        if r.status_code >= 400:
            try:
                body = r.json()
            except ValueError:
                body = {"detail": r.text}
            raise AdminError(r.status_code, body)
        return r.json() if r.headers.get("content-type", "").endswith("json") else r.text

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/health")
        return result

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """Journaled requests, newest first: ``requests(route="get-customer", session="s")``."""
        params = {
            k: (str(v).lower() if isinstance(v, bool) else v)
            for k, v in filters.items()
            if v is not None
        }
        result: list[dict[str, Any]] = self._call("GET", "/requests", params=params)["requests"]
        return result

    def count(self, method: str | None = None, path: str | None = None, **criteria: Any) -> int:
        """How many journaled requests meet the criteria (as in expectations files)."""
        n: int = self._call("POST", "/requests/count", json=_criteria(method, path, criteria))[
            "count"
        ]
        return n

    def verify(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        count: int | None = None,
        at_least: int | None = None,
        at_most: int | None = None,
        **criteria: Any,
    ) -> dict[str, Any]:
        """The verdict of ``/requests/verify`` (``ok``, ``report``...)."""
        body: dict[str, Any] = {"request": _criteria(method, path, criteria)}
        for key, value in (("count", count), ("at_least", at_least), ("at_most", at_most)):
            if value is not None:
                body[key] = value
        result: dict[str, Any] = self._call("POST", "/requests/verify", json=body)
        return result

    def assert_received(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        count: int | None = None,
        at_least: int | None = None,
        at_most: int | None = None,
        **criteria: Any,
    ) -> None:
        """Fail the test with a readable diff unless the journal meets the expectation
        (default: at least one matching request)."""
        result = self.verify(
            method, path, count=count, at_least=at_least, at_most=at_most, **criteria
        )
        if not result["ok"]:
            raise AssertionError(result["report"])

    def assert_no_unmatched(self, session: str | None = None) -> None:
        """Fail if any request hit no stub (the report shows the closest stubs)."""
        crit: dict[str, Any] = {"unmatched": True}
        if session is not None:
            crit["session"] = session
        result: dict[str, Any] = self._call(
            "POST", "/requests/verify", json={"request": crit, "count": 0}
        )
        if not result["ok"]:
            unmatched = self.requests(unmatched=True, session=session)
            misses = "\n".join(
                f"  {e['request']['method']} {e['request']['url']}: closest "
                + ", ".join(m["route"] for m in e.get("near_misses") or [])
                for e in unmatched[:5]
            )
            raise AssertionError(result["report"] + ("\n" + misses if misses else ""))

    def assert_no_passthrough(self, session: str | None = None) -> None:
        """Fail if any request was forwarded to the real upstream (``passthrough: 0``):
        with ``--on-miss proxy|record`` a test that reached the real provider fails."""
        crit: dict[str, Any] = {"passthrough": True}
        if session is not None:
            crit["session"] = session
        result: dict[str, Any] = self._call(
            "POST", "/requests/verify", json={"request": crit, "count": 0}
        )
        if not result["ok"]:
            raise AssertionError(result["report"])

    def add_stub(
        self, route: dict[str, Any] | list[dict[str, Any]] | str, session: str | None = None
    ) -> list[str]:
        """Add ephemeral stubs (a route mapping, a list, or YAML text); return their ids."""
        params = {"session": session} if session else {}
        if isinstance(route, str):
            result = self._call(
                "POST",
                "/stubs",
                content=route.encode(),
                params=params,
                headers={"content-type": "application/yaml"},
            )
        else:
            result = self._call("POST", "/stubs", json=route, params=params)
        return [s["id"] for s in result["stubs"]]

    def remove_stub(self, stub_id: str) -> None:
        self._call("DELETE", f"/stubs/{stub_id}")

    def reset(self, session: str | None = None) -> dict[str, Any]:
        """Clear behaviour state, the journal and ephemeral stubs (of one session)."""
        result: dict[str, Any] = self._call(
            "POST", "/reset", params={"session": session} if session else {}
        )
        return result

    def metrics(self) -> str:
        text: str = self._call("GET", "/metrics")
        return text
