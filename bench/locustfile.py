"""The load test's users (Locust), started by bench/loadtest.py against a real server.

Each simulated person is logged in with a session made beforehand by bench/loadtest.py
(LOADTEST_PLAN: a JSON file of sessions and URLs per role) and works on a project of their
own, so that two coordinators never save the same record (a 409 would be right, but noise).
Proportions (weights) follow who uses the portal most: coordinators, then the ARS reviewers,
bureau members, analysts.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())  # noqa: SIM115
_next = {role: itertools.count() for role in PLAN["roles"]}


class _Forms(HTMLParser):
    """The POST forms of a page: [{"action", "fields": [(name, value)]}] (what a browser
    would send: checked boxes, selected options, textareas' text)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None or "name" not in a and tag != "option":
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form["fields"].append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            if self._select[1] is None:
                self._select[1] = a.get("value", "")
            if "selected" in a:
                self._select[2] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, first, selected = self._select
            self._form["fields"].append((name, selected if selected is not None else first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None


def post_form(user, page_url: str, action_part: str, changes: dict, name: str):
    """GET the page, fill its form whose action contains `action_part` with `changes`, POST
    it as a browser would (CSRF token from the form, Referer)."""
    with user.client.get(page_url, name=f"{name} (form)", catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"{response.status_code}")
            return
        parser = _Forms()
        parser.feed(response.text)
    # A form without action posts to its page.
    form = next((f for f in parser.forms if action_part in (f["action"] or page_url)), None)
    if form is None:
        response.failure(f"no form {action_part!r}")
        return
    fields = [(k, v) for k, v in form["fields"] if k not in changes] + list(changes.items())
    action = form["action"] or page_url
    with user.client.post(
        action,
        data=fields,
        name=name,
        headers={"Referer": user.host + page_url},
        allow_redirects=False,
        catch_response=True,
    ) as answer:
        if answer.status_code not in (200, 302):
            text = re.sub(r"\s+", " ", answer.text)[:200]
            answer.failure(f"{answer.status_code}: {text}")


class _Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)  # a person reads between two clicks

    def on_start(self):
        people = PLAN["roles"][self.role]
        self.me = people[next(_next[self.role]) % len(people)]
        self.client.cookies.set(PLAN["session_cookie"], self.me["session"])
        self.client.cookies.set(PLAN["csrf_cookie"], self.me["csrf"])

    def get(self, key: str):
        self.client.get(self.me[key], name=key)


class Coordinator(_Person):
    weight = 5
    role = "coordinator"

    @task(4)
    def read_fiche(self):
        self.get("fiche")

    @task(1)
    def save_fiche(self):
        text = f"Constat relevé lors de la réunion n° {random.randint(1, 999)}."  # noqa: S311
        post_form(self, self.me["fiche"], "/sections/constats/", {"problems": text}, "save_fiche")

    @task(2)
    def read_budget(self):
        self.get("budget")

    @task(1)
    def save_budget_line(self):
        amount = str(random.randint(1_000, 30_000))  # noqa: S311 - test data
        post_form(
            self, self.me["budget_line"], "/modifier/", {"amount": amount}, "save_budget_line"
        )


class Reviewer(_Person):
    weight = 2
    role = "reviewer"

    @task(3)
    def read_queue(self):
        self.get("queue")

    @task(1)
    def save_avis(self):
        post_form(
            self,
            self.me["avis"],
            "/instruction/avis/",
            {"operation": "save", "motivation": f"Avis n° {random.randint(1, 999)}."},  # noqa: S311
            "save_avis",
        )


class Bureau(_Person):
    weight = 2
    role = "bureau"

    @task
    def read_dashboard(self):
        self.get("deadlines")


class Analyst(_Person):
    weight = 1
    role = "analyst"

    @task
    def read_overview(self):
        self.get("overview")
