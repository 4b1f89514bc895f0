"""The server-rendered web UI (issue 6), driven in headless Chromium.

One module-scoped seed, made through the official ``mlflow`` client: a sweep
experiment with three runs (params, 100-point metric histories, a 10,000-point
history, a pandas dataset input, text/JSON/YAML/CSV/PNG/nested artifacts), an
experiment of 55 runs for paging, two experiments whose names, runs, params,
tags, dataset, artifact file names and artifact contents are HTML/JS payloads,
and two registered models (one named with a payload).

Every page is first fetched with ``requests`` (status, headers, the raw HTML
the server wrote), then loaded in headless Chromium with ``--dump-dom`` (the
DOM after the page's own scripts ran). Both are parsed with ``html.parser``.
Payloads must show up escaped in the raw HTML (``&lt;script&gt;...``), never
verbatim, and must never become elements, event-handler attributes or a
``data-pwned`` attribute in the browser's DOM.

The HTML contract the pages follow is in the issue (``<table id="runs">``,
``<tr data-run-id>``, ``<path class="series" data-points data-total d>``, ...).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import struct
import subprocess
import tempfile
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urljoin, urlsplit

import mlflow
import pytest
import requests
from mlflow import MlflowClient
from mlflow.entities import Metric

from compat_helpers import raw_request

pytestmark = [
    # pandas/mlflow chatter from mlflow.data.from_pandas
    pytest.mark.filterwarnings("ignore:Starting with pandas version 4.0"),
    pytest.mark.filterwarnings("ignore:Hint. Inferred schema contains integer"),
]

# -- payloads ----------------------------------------------------------------------------------

#: Each sets a different data-pwned value on <body> if it ever runs.
PAYLOAD_SCRIPT = "<script>document.body.setAttribute('data-pwned','1')</script>"
PAYLOAD_IMG = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"
#: A file name cannot hold '/', so no </script> here.
PAYLOAD_FILE = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','3')\">.txt"
#: No quote, comma or slash: survives CSV cells and JSON strings unchanged.
PAYLOAD_BARE = "<img src=x onerror=document.body.dataset.pwned=6>"

T0 = 1_700_000_000_000  # ms; metric timestamps are T0 + step**2 seconds for the x=time check
FMT = "%.6g"
#: What a table cell may show for a run without that key.
MISSING = {"", "-", "\u2013", "\u2014"}


def fmt(value: float) -> str:
    return FMT % value


# -- a small DOM over html.parser --------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
#: tag -> the open tags it implicitly closes (HTML's optional end tags), and where that stops.
IMPLIED = {
    "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "li": ({"li"}, {"ul", "ol"}),
    "option": ({"option"}, {"select", "datalist"}),
    "p": ({"p"}, {"div", "section", "main", "body", "td", "th", "li", "form", "details"}),
}


class Node:
    def __init__(self, tag: str, attr_list: list[tuple[str, str | None]], parent: "Node | None"):
        self.tag = tag
        self.attr_list = attr_list
        self.attrs = {k: ("" if v is None else v) for k, v in attr_list}
        self.children: list[Node | str] = []
        self.parent = parent

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        """Descendants (self included) matching tag, a class, and attributes (``data_run_id=`` for
        ``data-run-id``; value True: present)."""
        want = {k.replace("_", "-"): v for k, v in attrs.items()}
        found = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            if cls is not None and cls not in node.classes():
                continue
            if all((k in node.attrs) if v is True else node.attrs.get(k) == v for k, v in want.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Node":
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}{' .' + cls if cls else ''} {attrs}> in {self.tag}{self.attrs}"
        return found[0]

    def by_id(self, ident: str) -> "Node":
        return self.find(id=ident)

    def cells(self) -> list["Node"]:
        return [c for c in self.children if isinstance(c, Node) and c.tag in ("td", "th")]


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.cur = self.root

    def _close_implied(self, tag: str) -> None:
        if tag not in IMPLIED:
            return
        closes, stops = IMPLIED[tag]
        node = self.cur
        while node is not self.root and node.tag not in stops:
            if node.tag in closes:
                self.cur = node.parent
                return
            node = node.parent

    def handle_starttag(self, tag, attrs):
        self._close_implied(tag)
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self._close_implied(tag)
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        node = self.cur
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def squash(text: str) -> str:
    return " ".join(text.split())


def key_of(th: Node) -> str:
    """A row header's key: its text (a link around the key is fine), without a
    ``<span class="badge">`` the page may add after it."""
    def text(node: Node) -> str:
        return "".join(c if isinstance(c, str) else ("" if "badge" in c.classes() else text(c))
                       for c in node.children)
    return squash(text(th))


def row_map(scope: Node) -> dict[str, list[str]]:
    """``<tr><th scope="row">key</th><td>..</td>...`` -> {key: [td texts]}."""
    rows = {}
    for tr in scope.find_all("tr"):
        heads = [c for c in tr.cells() if c.tag == "th" and c.attrs.get("scope") == "row"]
        if heads:
            rows[key_of(heads[0])] = [squash(c.text()) for c in tr.cells() if c.tag == "td"]
    return rows


def query_param(href: str, name: str) -> list[str]:
    return parse_qs(urlsplit(href).query, keep_blank_values=True).get(name, [])


# -- escaping checks ---------------------------------------------------------------------------

_NAMED = {"<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "&": "&amp;"}


def escaped_pattern(payload: str) -> re.Pattern:
    """The payload as HTML text: '<' and '>' as entities; any other character as itself or as
    an entity (numeric or named), so the escaper's choice for quotes does not matter."""
    parts = []
    for ch in payload:
        options = [f"&#0*{ord(ch)};", f"&#x0*{ord(ch):x};"]
        if ch in _NAMED:
            options.append(_NAMED[ch])
        if ch not in "<>&":
            options.append(re.escape(ch))
        parts.append("(?:" + "|".join(options) + ")")
    return re.compile("".join(parts), re.IGNORECASE)


def assert_no_injection(html: str, where: str) -> Node:
    """No element, attribute or script came out of a payload."""
    root = parse(html)
    for node in root.iter():
        names = [name for name, _ in node.attr_list]
        handlers = [n for n in names if n.startswith("on")]
        assert not handlers, f"{where}: event-handler attribute {handlers} on {node}"
        assert "data-pwned" not in names, f"{where}: a payload ran: {node}"
        if node.tag == "script":
            assert "pwned" not in node.text(), f"{where}: payload became a <script>"
        if node.tag in ("img", "iframe", "svg", "image") and node.attrs.get("src") == "x":
            assert False, f"{where}: payload became an element: {node}"
    return root


def assert_escaped(raw: str, payloads: list[str], where: str) -> None:
    for payload in [PAYLOAD_SCRIPT, PAYLOAD_IMG, PAYLOAD_FILE, PAYLOAD_BARE]:
        assert payload not in raw, f"{where}: payload written unescaped: {payload!r}"
    for payload in payloads:
        assert escaped_pattern(payload).search(raw), f"{where}: escaped form of {payload!r} not found"
    assert "&lt;script&gt;" in raw or PAYLOAD_SCRIPT not in payloads, where


# -- the browser -------------------------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                  "--disable-background-networking", "--disable-component-update"]


def find_chromium() -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.fail("Debian's chromium is needed for the UI tests (`make test` installs it: "
                    "apt-get install chromium)", pytrace=False)
    return chromium


class Site:
    """Raw fetches (requests) and DOM dumps (headless Chromium) of the UI, cached per path."""

    def __init__(self, base_url: str, chromium: str, workdir: Path):
        self.base = base_url
        self.chromium = chromium
        self.workdir = workdir
        self._dumps: dict[str, str | BaseException] = {}

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, status: int = 200) -> requests.Response:
        r = requests.get(self.url(path), timeout=30, allow_redirects=False)
        assert r.status_code == status, f"GET {path}: expected {status}, got {r.status_code}: {r.text[:800]}"
        return r

    def html(self, path: str, status: int = 200) -> tuple[requests.Response, Node]:
        r = self.get(path, status)
        assert r.headers.get("content-type", "").startswith("text/html"), (path, r.headers)
        return r, parse(r.text)

    def _dump(self, path: str) -> str:
        return self.dump_url(self.url(path))

    def dump_url(self, url: str) -> str:
        profile = tempfile.mkdtemp(prefix="profile-", dir=self.workdir)
        done = subprocess.run([self.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                               "--dump-dom", url],
                              capture_output=True, text=True, timeout=90)
        shutil.rmtree(profile, ignore_errors=True)
        assert done.returncode == 0 and "<html" in done.stdout, \
            f"chromium --dump-dom {url[:200]} failed ({done.returncode}): {done.stderr[-2000:]}"
        return done.stdout

    def prefetch(self, paths: list[str]) -> None:
        """Dump many pages at once (each Chromium takes ~0.7 s to start)."""
        todo = [p for p in dict.fromkeys(paths) if p not in self._dumps]

        def one(path):
            try:
                return self._dump(path)
            except BaseException as error:  # re-raised by dom() in the test that needs it
                return error

        with ThreadPoolExecutor(max_workers=3) as pool:
            for path, result in zip(todo, pool.map(one, todo)):
                self._dumps[path] = result

    def dom(self, path: str, status: int = 200) -> Node:
        """Status checked with requests first, then the page as Chromium built it."""
        self.get(path, status)
        if path not in self._dumps:
            self._dumps[path] = self._dump(path)
        result = self._dumps[path]
        if isinstance(result, BaseException):
            raise result
        return assert_no_injection(result, f"DOM of {path}")


# -- seed --------------------------------------------------------------------------------------

def tiny_png(width: int = 6, height: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"".join(bytes([(40 * x) % 256, (60 * y) % 256, 200]) for x in range(width))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def loss_curve(start: float, floor: float, tau: float) -> list[float]:
    return [floor + (start - floor) * math.exp(-s / tau) for s in range(100)]


def zigzag() -> list[float]:
    return [0.5 + 0.4 * math.sin(s * 1.7) + s * 1e-4 for s in range(100)]


BIG_N = 10_000
BIG_MAX_STEP, BIG_MIN_STEP = 4321, 7777


def big_series() -> list[float]:
    values = [math.sin(s / 50) for s in range(BIG_N)]
    values[BIG_MAX_STEP] = 100.0
    values[BIG_MIN_STEP] = -100.0
    return values


def log_history(client: MlflowClient, run_id: str, key: str, values: list[float], squared_time: bool = False):
    metrics = [Metric(key, v, T0 + (s * s if squared_time else s) * 1000, s) for s, v in enumerate(values)]
    for i in range(0, len(metrics), 1000):
        client.log_batch(run_id, metrics=metrics[i:i + 1000])


class Seed:
    pass


def _seed(client: MlflowClient, tmp: Path) -> Seed:
    import pandas as pd

    s = Seed()
    s.uid = uid = uuid.uuid4().hex[:8]

    # -- the sweep: three runs, fluent API -----------------------------------------------------
    s.sweep_name = f"ui-sweep-{uid}"
    s.sweep = client.create_experiment(s.sweep_name)
    s.dataset_name = f"ui-train-{uid}"
    frame = pd.DataFrame({"x": [0.5 * i for i in range(20)], "y": [float(i % 2) for i in range(20)]})
    dataset = mlflow.data.from_pandas(frame, name=s.dataset_name, targets="y")
    s.dataset_digest = dataset.digest
    s.png = tiny_png()
    s.json_obj = {"model": {"depth": 6, "eta": 0.3}, "features": ["a", "b", "c"], "seed": 42}
    s.yaml_text = "objective: binary:logistic\nmax_depth: 6\nsubsample: 0.8\n"
    s.csv_rows = [["id", "feature", "score"]] + [[str(i), f"f{i}", f"{i / 7:.4f}"] for i in range(150)]
    s.notes = "trained on the small split\nsecond line\n"
    s.leaf = "deep inside\n"

    specs = {
        "alpha": dict(lr="0.1", batch_size="32", optimizer="adam", team="vision", loss=loss_curve(2.0, 0.2, 25)),
        "beta": dict(lr="0.01", batch_size="32", optimizer="adam", team="speech", loss=loss_curve(2.0, 0.4, 40)),
        "gamma": dict(lr="0.001", batch_size="64", optimizer="sgd", team="vision", loss=loss_curve(2.0, 0.9, 60)),
    }
    s.runs, s.run_names, s.loss, s.params = {}, {}, {}, {}
    for short, spec in specs.items():
        name = f"{short}-{uid}"
        with mlflow.start_run(experiment_id=s.sweep, run_name=name) as run:
            rid = run.info.run_id
            mlflow.log_params({k: spec[k] for k in ("lr", "batch_size", "optimizer")})
            mlflow.set_tag("team", spec["team"])
            log_history(client, rid, "loss", spec["loss"], squared_time=True)
            log_history(client, rid, "acc", zigzag())
            if short == "alpha":
                log_history(client, rid, "big", big_series())
                mlflow.log_input(dataset, context="training")
                mlflow.log_text(s.notes, "notes.txt")
                mlflow.log_text(s.yaml_text, "params.yaml")
                mlflow.log_text("\n".join(",".join(r) for r in s.csv_rows) + "\n", "data.csv")
                mlflow.log_text(s.leaf, "nested/deeper/leaf.txt")
                mlflow.log_text("artifact_path: model\nflavors: {}\n", "model/MLmodel")
                (tmp / "config.json").write_text(json.dumps(s.json_obj, separators=(",", ":")))
                mlflow.log_artifact(str(tmp / "config.json"))
                (tmp / "plot.png").write_bytes(s.png)
                mlflow.log_artifact(str(tmp / "plot.png"))
            else:
                mlflow.log_text("artifact_path: model\nflavors: {}\n", "model/MLmodel")
        s.runs[short], s.run_names[short], s.loss[short] = rid, name, spec["loss"]
        s.params[short] = {k: spec[k] for k in ("lr", "batch_size", "optimizer")}
    s.alpha = client.get_run(s.runs["alpha"])

    # -- paging: 55 runs -------------------------------------------------------------------------
    s.paging = client.create_experiment(f"ui-paging-{uid}")
    s.paging_runs = set()
    for i in range(55):
        run = client.create_run(s.paging, run_name=f"page-run-{i:02d}")
        s.paging_runs.add(run.info.run_id)

    # -- payloads --------------------------------------------------------------------------------
    s.xss_exp_name = f"{PAYLOAD_SCRIPT} exp {uid}"
    s.xss_exp = client.create_experiment(s.xss_exp_name)
    s.xss_exp2_name = f"{PAYLOAD_IMG} exp {uid}"
    s.xss_exp2 = client.create_experiment(s.xss_exp2_name)
    xss_dataset = mlflow.data.from_pandas(frame, name=PAYLOAD_IMG)
    s.xss_json = {"k": PAYLOAD_BARE, "n": [1, 2]}
    s.xss_csv = [["name", "value"], [PAYLOAD_SCRIPT, "1"], [PAYLOAD_BARE, "2"], [PAYLOAD_IMG, "3"]]
    with mlflow.start_run(experiment_id=s.xss_exp, run_name=PAYLOAD_SCRIPT) as run:
        s.xss_run = run.info.run_id
        mlflow.log_params({"p_img": PAYLOAD_IMG, "p_script": PAYLOAD_SCRIPT})
        mlflow.set_tags({"note": PAYLOAD_SCRIPT, "note2": PAYLOAD_IMG})
        for step, value in enumerate([0.3, 0.2, 0.1]):
            mlflow.log_metric("score", value, step=step)
        mlflow.log_input(xss_dataset, context=PAYLOAD_BARE)
        mlflow.log_text(PAYLOAD_SCRIPT + "\n", PAYLOAD_FILE)
        table = io.StringIO()
        csv.writer(table, lineterminator="\n").writerows(s.xss_csv)  # quotes the cells holding , and "
        mlflow.log_text(table.getvalue(), "xss.csv")
        (tmp / "xss.json").write_text(json.dumps(s.xss_json, separators=(",", ":")))
        mlflow.log_artifact(str(tmp / "xss.json"))
        mlflow.log_text("artifact_path: model\n", "model/MLmodel")
    with mlflow.start_run(experiment_id=s.xss_exp2, run_name=PAYLOAD_IMG) as run:
        s.xss_run2 = run.info.run_id
        mlflow.log_params({"p_img": "plain", "p_script": PAYLOAD_SCRIPT})
        for step, value in enumerate([0.5, 0.4]):
            mlflow.log_metric("score", value, step=step)

    # -- registry --------------------------------------------------------------------------------
    s.model = f"ui-model-{uid}"
    client.create_registered_model(s.model, tags={"owner": "ml-team"}, description=f"churn model {uid}")
    for short in ("alpha", "beta"):
        client.create_model_version(s.model, f"runs:/{s.runs[short]}/model", run_id=s.runs[short])
    client.set_registered_model_alias(s.model, "champion", "1")
    client.set_model_version_tag(s.model, "1", "validated", "yes")

    s.xss_model = f"{PAYLOAD_IMG} {uid}"
    client.create_registered_model(s.xss_model, tags={"t": PAYLOAD_SCRIPT}, description=PAYLOAD_SCRIPT)
    client.create_model_version(s.xss_model, f"runs:/{s.xss_run}/model", run_id=s.xss_run,
                                tags={"v": PAYLOAD_SCRIPT})
    client.set_registered_model_alias(s.xss_model, "champion", "1")
    return s


def model_path(name: str) -> str:
    return "/models/" + quote(name, safe="")


def artifact_page(run_id: str, path: str) -> str:
    return f"/runs/{run_id}/artifacts?path={quote(path, safe='')}"


def xss_pages(s: Seed) -> dict[str, tuple[int, list[str]]]:
    """path -> (status, payloads that must appear escaped in the raw HTML)."""
    return {
        "/": (200, [PAYLOAD_SCRIPT, PAYLOAD_IMG]),
        "/?q=" + quote(PAYLOAD_SCRIPT, safe=""): (200, [PAYLOAD_SCRIPT]),
        f"/experiments/{s.xss_exp}": (200, [PAYLOAD_SCRIPT, PAYLOAD_IMG]),
        f"/experiments/{s.xss_exp}?columns=tags.note&columns=tags.note2&columns=params.p_img":
            (200, [PAYLOAD_SCRIPT, PAYLOAD_IMG]),
        f"/experiments/{s.xss_exp}?filter=" + quote(PAYLOAD_IMG, safe=""): (400, [PAYLOAD_IMG]),
        f"/experiments/{s.xss_exp2}": (200, [PAYLOAD_IMG, PAYLOAD_SCRIPT]),
        f"/runs/{s.xss_run}": (200, [PAYLOAD_SCRIPT, PAYLOAD_IMG, PAYLOAD_FILE, PAYLOAD_BARE]),
        f"/runs/{s.xss_run}?x=time": (200, [PAYLOAD_SCRIPT, PAYLOAD_IMG]),
        f"/runs/{s.xss_run2}": (200, [PAYLOAD_IMG, PAYLOAD_SCRIPT]),
        f"/runs/{s.xss_run}/artifacts": (200, [PAYLOAD_FILE]),
        artifact_page(s.xss_run, PAYLOAD_FILE): (200, [PAYLOAD_SCRIPT]),
        artifact_page(s.xss_run, "xss.csv"): (200, [PAYLOAD_SCRIPT, PAYLOAD_BARE, PAYLOAD_IMG]),
        artifact_page(s.xss_run, "xss.json"): (200, [PAYLOAD_BARE]),
        f"/compare?runs={s.xss_run}&runs={s.xss_run2}&x=params.p_img&y=metrics.score":
            (200, [PAYLOAD_SCRIPT, PAYLOAD_IMG]),
        "/models": (200, [PAYLOAD_IMG]),
        model_path(s.xss_model): (200, [PAYLOAD_IMG, PAYLOAD_SCRIPT]),
        model_path(s.xss_model) + "/versions/1": (200, [PAYLOAD_IMG, PAYLOAD_SCRIPT]),
    }


def plain_pages(s: Seed) -> list[str]:
    a, b, c = s.runs["alpha"], s.runs["beta"], s.runs["gamma"]
    return [
        "/", f"/?q=sweep-{s.uid}",
        f"/experiments/{s.sweep}",
        f"/experiments/{s.sweep}?order_by=" + quote("metrics.loss DESC"),
        f"/runs/{a}", f"/runs/{a}?x=time",
        f"/runs/{a}/artifacts", artifact_page(a, "config.json"), artifact_page(a, "data.csv"),
        artifact_page(a, "plot.png"), artifact_page(a, "nested/deeper/leaf.txt"),
        f"/compare?runs={a}&runs={b}",
        f"/compare?runs={a}&runs={b}&runs={c}&x=params.lr&y=metrics.loss",
        "/models", model_path(s.model), model_path(s.model) + "/versions/1",
    ]


@pytest.fixture(scope="module")
def seed(server) -> Seed:
    with tempfile.TemporaryDirectory() as tmp:
        return _seed(MlflowClient(tracking_uri=server.url), Path(tmp))


@pytest.fixture(scope="module")
def site(server, seed) -> Site:
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="aviary-ui-") as workdir:
        site = Site(server.url, chromium, Path(workdir))
        site.prefetch(plain_pages(seed) + list(xss_pages(seed)))
        yield site


# -- every page: chrome, headers, static assets --------------------------------------------------

def test_every_page_has_nav_csp_and_static_assets(site, seed):
    for path in plain_pages(seed):
        r, _ = site.html(path)
        csp = r.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp, (path, csp)
        root = site.dom(path)
        nav = root.find("nav")
        hrefs = {a.attrs.get("href") for a in nav.find_all("a")}
        assert {"/", "/models"} <= hrefs, (path, hrefs)
        assert root.find_all("link", href="/static/aviary.css"), path
    css = site.get("/static/aviary.css")
    assert css.headers["content-type"].startswith("text/css") and css.content
    js = site.get("/static/aviary.js")
    assert "javascript" in js.headers["content-type"] and js.content


# -- experiments list ----------------------------------------------------------------------------

def experiment_links(root: Node) -> dict[str, str]:
    return {a.attrs["href"]: squash(a.text()) for a in root.find_all("a")
            if re.fullmatch(r"/experiments/[^/?#]+", a.attrs.get("href", ""))}


def test_experiments_list_and_search(site, seed):
    links = experiment_links(site.dom("/"))
    assert links[f"/experiments/{seed.sweep}"] == seed.sweep_name
    assert links[f"/experiments/{seed.xss_exp}"] == seed.xss_exp_name
    assert links[f"/experiments/{seed.paging}"] == f"ui-paging-{seed.uid}"

    found = experiment_links(site.dom(f"/?q=sweep-{seed.uid}"))
    assert found == {f"/experiments/{seed.sweep}": seed.sweep_name}
    _, root = site.html(f"/?q=paging-{seed.uid.upper()}")  # case-insensitive substring
    assert experiment_links(root) == {f"/experiments/{seed.paging}": f"ui-paging-{seed.uid}"}
    _, root = site.html("/?q=no-such-experiment-" + seed.uid)
    assert experiment_links(root) == {}


# -- experiment page -----------------------------------------------------------------------------

def run_rows(root: Node) -> list[Node]:
    return root.by_id("runs").find_all("tr", data_run_id=True)


def columns_of(row: Node) -> dict[str, str]:
    return {td.attrs["data-column"]: squash(td.text()) for td in row.find_all("td", data_column=True)}


def test_experiment_runs_table(site, seed):
    root = site.dom(f"/experiments/{seed.sweep}")
    form = root.by_id("runs-form")
    assert form.attrs.get("action") == "/compare" and form.attrs.get("method", "").lower() == "get"
    assert form.find_all("table", id="runs"), "table#runs must be inside form#runs-form"
    rows = run_rows(root)
    assert {r.attrs["data-run-id"] for r in rows} == set(seed.runs.values())
    default_columns = {"metrics.loss", "metrics.acc", "metrics.big",
                       "params.lr", "params.batch_size", "params.optimizer"}
    for row in rows:
        rid = row.attrs["data-run-id"]
        short = next(k for k, v in seed.runs.items() if v == rid)
        first = row.cells()[0]
        box = first.find("input")
        assert (box.attrs.get("type"), box.attrs.get("name"), box.attrs.get("value")) == ("checkbox", "runs", rid)
        link = row.find("a", href=f"/runs/{rid}")
        assert squash(link.text()) == seed.run_names[short]
        assert "FINISHED" in squash(row.text())
        cols = columns_of(row)
        assert set(cols) == default_columns, (short, cols)
        assert cols["metrics.loss"] == fmt(seed.loss[short][-1])
        assert cols["metrics.acc"] == fmt(zigzag()[-1])
        assert cols["params.lr"] == seed.params[short]["lr"]
        assert cols["params.batch_size"] == seed.params[short]["batch_size"]
        if short == "alpha":
            assert cols["metrics.big"] == fmt(big_series()[-1])
        else:
            assert cols["metrics.big"] in MISSING, cols["metrics.big"]

    chooser = root.by_id("columns")
    assert chooser.tag == "details"
    offered = {i.attrs.get("value") for i in chooser.find_all("input", type="checkbox", name="columns")}
    assert default_columns | {"tags.team"} <= offered, offered


def test_order_by_metric(site, seed):
    expected = sorted(seed.runs, key=lambda k: seed.loss[k][-1], reverse=True)
    assert expected == ["gamma", "beta", "alpha"]
    root = site.dom(f"/experiments/{seed.sweep}?order_by=" + quote("metrics.loss DESC"))
    assert [r.attrs["data-run-id"] for r in run_rows(root)] == [seed.runs[k] for k in expected]
    _, root = site.html(f"/experiments/{seed.sweep}?order_by=" + quote("metrics.loss ASC"))
    assert [r.attrs["data-run-id"] for r in run_rows(root)] == [seed.runs[k] for k in reversed(expected)]
    _, root = site.html(f"/experiments/{seed.sweep}?order_by=" + quote("params.lr DESC"))
    # params are strings: '0.1' > '0.01' > '0.001'
    assert [r.attrs["data-run-id"] for r in run_rows(root)] == [seed.runs[k] for k in ("alpha", "beta", "gamma")]


def test_filter_narrows_and_bad_filter_is_400(site, seed):
    _, root = site.html(f"/experiments/{seed.sweep}?filter=" + quote("params.lr = '0.01'"))
    assert [r.attrs["data-run-id"] for r in run_rows(root)] == [seed.runs["beta"]]
    _, root = site.html(f"/experiments/{seed.sweep}?filter=" + quote("tags.team = 'vision' and metrics.loss < 0.5"))
    assert [r.attrs["data-run-id"] for r in run_rows(root)] == [seed.runs["alpha"]]
    _, root = site.html(f"/experiments/{seed.sweep}?filter=" + quote("metrics.loss > 100"))
    assert not root.find_all("tr", data_run_id=True)

    r, root = site.html(f"/experiments/{seed.sweep}?filter=" + quote("params.lr === 'x' oops"), status=400)
    alert = root.find("p", cls="error", role="alert")
    assert squash(alert.text()), "the alert must say what is wrong"
    assert not root.find_all("tr", data_run_id=True)


def test_columns_chooser_shows_only_chosen_cells(site, seed):
    path = f"/experiments/{seed.sweep}?columns=metrics.loss&columns=params.lr&columns=tags.team"
    root = site.dom(path)
    rows = run_rows(root)
    assert len(rows) == 3
    for row in rows:
        short = next(k for k, v in seed.runs.items() if v == row.attrs["data-run-id"])
        cols = columns_of(row)
        assert set(cols) == {"metrics.loss", "params.lr", "tags.team"}, cols
        assert cols == {"metrics.loss": fmt(seed.loss[short][-1]), "params.lr": seed.params[short]["lr"],
                        "tags.team": specs_team(short)}
    assert not root.find_all(data_column="metrics.acc")


def specs_team(short: str) -> str:
    return {"alpha": "vision", "beta": "speech", "gamma": "vision"}[short]


def test_paging_50_per_page(site, seed):
    path = f"/experiments/{seed.paging}"
    _, root = site.html(path)
    first = [r.attrs["data-run-id"] for r in run_rows(root)]
    assert len(first) == 50
    nxt = root.find("a", rel="next")
    page2 = urljoin(site.url(path), nxt.attrs["href"])
    assert page2.startswith(site.base)
    _, root2 = site.html(page2[len(site.base):])
    second = [r.attrs["data-run-id"] for r in run_rows(root2)]
    assert len(second) == 5
    assert set(first) | set(second) == seed.paging_runs and not set(first) & set(second)
    assert not root2.find_all("a", rel="next")


# -- run page ------------------------------------------------------------------------------------

VERTEX = re.compile(r"([MLml])\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)[\s,]+([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")


def vertices(d: str) -> list[tuple[float, float]]:
    found = VERTEX.findall(d)
    rest = VERTEX.sub("", d).strip()
    assert not rest, f"path d holds more than M/L vertices: {rest[:80]!r}"
    assert found and found[0][0] == "M", d[:80]
    assert all(cmd in "ML" for cmd, _, _ in found), "absolute M/L commands only"
    return [(float(x), float(y)) for _, x, y in found]


def chart(root: Node, metric: str, cls: str = "chart") -> Node:
    svgs = [s for s in root.find_all("svg", cls=cls) if s.attrs.get("data-metric") == metric]
    assert len(svgs) == 1, f"{len(svgs)} <svg class={cls} data-metric={metric}>"
    return svgs[0]


def series(svg: Node) -> dict[str, Node]:
    return {p.attrs["data-run"]: p for p in svg.find_all("path", cls="series")}


def assert_y_follows_values(points: list[tuple[float, float]], values: list[float], what: str) -> None:
    """Higher value -> smaller SVG y (drawn higher), for every pair of points."""
    assert len(points) == len(values), what
    order = sorted(range(len(values)), key=lambda i: values[i])
    ys = [points[i][1] for i in order]
    assert all(a >= b for a, b in zip(ys, ys[1:])), f"{what}: y order does not follow the values"
    assert ys[0] - ys[-1] > 20, f"{what}: the series spans only {ys[0] - ys[-1]} px"


def test_run_page_sections(site, seed):
    a = seed.alpha
    root = site.dom(f"/runs/{a.info.run_id}")
    assert squash(root.find("h1").text()) == seed.run_names["alpha"]
    for section in ("info", "params", "metrics", "charts", "tags", "inputs", "artifacts"):
        assert root.find("section", id=section)

    info = root.find("section", id="info")
    info_text = squash(info.text())
    assert a.info.run_id in info_text and "FINISHED" in info_text
    assert a.info.artifact_uri in info_text
    assert info.find_all("a", href=f"/experiments/{seed.sweep}")

    params = row_map(root.find("section", id="params"))
    assert params == {"lr": ["0.1"], "batch_size": ["32"], "optimizer": ["adam"]}

    metrics_section = root.find("section", id="metrics")
    metrics = row_map(metrics_section)
    assert metrics["loss"][:2] == [fmt(seed.loss["alpha"][-1]), "99"]
    assert metrics["acc"][:2] == [fmt(zigzag()[-1]), "99"]
    assert metrics["big"][:2] == [fmt(big_series()[-1]), str(BIG_N - 1)]
    for tr in metrics_section.find_all("tr"):
        tds = [c for c in tr.cells() if c.tag == "td"]
        if tds:
            assert "num" in tds[0].classes()

    tags = row_map(root.find("section", id="tags"))
    assert tags.get("team", [None])[0] == "vision", tags

    inputs = squash(root.find("section", id="inputs").text())
    for expected in (seed.dataset_name, seed.dataset_digest, "code", "training"):
        assert expected in inputs, (expected, inputs)

    listing = squash(root.find("section", id="artifacts").text())
    for name in ("notes.txt", "config.json", "params.yaml", "data.csv", "plot.png", "nested", "model"):
        assert name in listing, (name, listing)


def test_chart_draws_every_point_in_order(site, seed):
    rid = seed.runs["alpha"]
    root = site.dom(f"/runs/{rid}")
    charts = {s.attrs.get("data-metric") for s in root.find_all("svg", cls="chart")}
    assert charts == {"loss", "acc", "big"}
    svg = chart(root, "loss")
    assert svg.attrs.get("data-x") == "step"
    [path] = series(svg).values()
    assert path.attrs["data-run"] == rid
    assert (path.attrs["data-points"], path.attrs["data-total"]) == ("100", "100")
    points = vertices(path.attrs["d"])
    assert len(points) == 100
    xs = [x for x, _ in points]
    assert all(a < b for a, b in zip(xs, xs[1:])), "x must grow with the step"
    ys = [y for _, y in points]
    assert all(a <= b for a, b in zip(ys, ys[1:])) and ys[0] < ys[-1], "a falling loss is drawn with growing y"
    assert_y_follows_values(points, seed.loss["alpha"], "loss")
    # steps are evenly spaced: step 50 sits half way
    assert (xs[50] - xs[0]) / (xs[-1] - xs[0]) == pytest.approx(50 / 99, abs=0.02)

    [acc] = series(chart(root, "acc")).values()
    assert acc.attrs["data-points"] == "100"
    assert_y_follows_values(vertices(acc.attrs["d"]), zigzag(), "acc")


def test_long_history_is_downsampled_keeping_extremes(site, seed):
    root = site.dom(f"/runs/{seed.runs['alpha']}")
    [path] = series(chart(root, "big")).values()
    assert path.attrs["data-total"] == str(BIG_N)
    drawn = int(path.attrs["data-points"])
    assert 100 <= drawn <= 2400, drawn
    points = vertices(path.attrs["d"])
    assert len(points) == drawn
    xs = [x for x, _ in points]
    ys = sorted(y for _, y in points)
    assert all(a <= b for a, b in zip(xs, xs[1:])), "x never goes back"
    span = ys[-1] - ys[0]
    median = ys[len(ys) // 2]
    # the sine fills ~1% of the height; the +100 spike and the -100 dip stand alone, far out
    top = [p for p in points if p[1] < median - 0.25 * span]
    bottom = [p for p in points if p[1] > median + 0.25 * span]
    assert 1 <= len(top) <= 4, f"the maximum (step {BIG_MAX_STEP}) must be drawn: {len(top)} vertices near the top"
    assert 1 <= len(bottom) <= 4, f"the minimum (step {BIG_MIN_STEP}) must be drawn: {len(bottom)} near the bottom"
    width = xs[-1] - xs[0]
    assert (top[0][0] - xs[0]) / width == pytest.approx(BIG_MAX_STEP / (BIG_N - 1), abs=0.01)
    assert (bottom[0][0] - xs[0]) / width == pytest.approx(BIG_MIN_STEP / (BIG_N - 1), abs=0.01)
    assert median - ys[0] > 0.45 * span and ys[-1] - median > 0.45 * span


def test_chart_x_time(site, seed):
    root = site.dom(f"/runs/{seed.runs['alpha']}?x=time")
    svg = chart(root, "loss")
    assert svg.attrs.get("data-x") == "time"
    [path] = series(svg).values()
    points = vertices(path.attrs["d"])
    assert len(points) == 100 and path.attrs["data-points"] == "100"
    xs = [x for x, _ in points]
    # timestamps are T0 + step² s: step 50 sits at 2500/9801 of the time span, not half way
    assert (xs[50] - xs[0]) / (xs[-1] - xs[0]) == pytest.approx(2500 / 9801, abs=0.02)
    assert_y_follows_values(points, seed.loss["alpha"], "loss over time")


# -- artifacts -----------------------------------------------------------------------------------

def listing_links(root: Node, run_id: str) -> dict[str, str]:
    """Links of table#artifact-list: artifact path (from the query) -> link text."""
    table = root.by_id("artifact-list")
    links = {}
    for a in table.find_all("a"):
        href = a.attrs.get("href", "")
        if href.startswith(f"/runs/{run_id}/artifacts?"):
            [path] = query_param(href, "path")
            links[path] = squash(a.text())
    return links


def test_artifact_listing_and_nested_dirs(site, seed):
    rid = seed.runs["alpha"]
    root = site.dom(f"/runs/{rid}/artifacts")
    links = listing_links(root, rid)
    assert set(links) == {"notes.txt", "config.json", "params.yaml", "data.csv", "plot.png", "nested", "model"}
    assert links["notes.txt"] == "notes.txt"
    _, root = site.html(artifact_page(rid, "nested"))
    assert set(listing_links(root, rid)) == {"nested/deeper"}
    _, root = site.html(artifact_page(rid, "nested/deeper"))
    assert set(listing_links(root, rid)) == {"nested/deeper/leaf.txt"}
    root = site.dom(artifact_page(rid, "nested/deeper/leaf.txt"))
    assert root.by_id("preview").text() .strip() == seed.leaf.strip()


def download_of(site: Site, root: Node, run_id: str, path: str) -> requests.Response:
    link = root.by_id("download")
    assert link.tag == "a" and "download" in link.attrs
    href = link.attrs["href"]
    assert href.startswith(f"/runs/{run_id}/artifacts/raw?") and query_param(href, "path") == [path], href
    return site.get(href)


def test_artifact_previews_and_raw_downloads(site, seed):
    rid = seed.runs["alpha"]

    _, root = site.html(artifact_page(rid, "notes.txt"))
    assert root.by_id("preview").tag == "pre" and root.by_id("preview").text().strip() == seed.notes.strip()
    raw = download_of(site, root, rid, "notes.txt")
    assert raw.content == seed.notes.encode()
    assert raw.headers["content-type"].startswith("application/octet-stream")
    assert raw.headers.get("content-disposition", "").startswith("attachment")
    assert raw.headers.get("x-content-type-options", "").lower() == "nosniff"

    root = site.dom(artifact_page(rid, "config.json"))
    pre = root.by_id("preview")
    assert pre.tag == "pre"
    assert json.loads(pre.text()) == seed.json_obj
    assert pre.text().count("\n") >= 6 and re.search(r"\n\s+\"model\"", pre.text()), "JSON must be pretty-printed"
    assert download_of(site, root, rid, "config.json").content == json.dumps(seed.json_obj, separators=(",", ":")).encode()

    _, root = site.html(artifact_page(rid, "params.yaml"))
    assert root.by_id("preview").text().strip() == seed.yaml_text.strip()
    assert download_of(site, root, rid, "params.yaml").content == seed.yaml_text.encode()

    root = site.dom(artifact_page(rid, "data.csv"))
    table = root.by_id("preview-table")
    assert table.tag == "table"
    rows = table.find_all("tr")
    assert [squash(c.text()) for c in rows[0].cells()] == seed.csv_rows[0]
    assert all(c.tag == "th" for c in rows[0].cells())
    body = [[squash(c.text()) for c in r.cells()] for r in rows[1:]]
    assert 99 <= len(body) <= 100, len(body)
    assert body == seed.csv_rows[1:1 + len(body)]
    assert download_of(site, root, rid, "data.csv").content.decode().startswith("id,feature,score\n0,f0,")

    root = site.dom(artifact_page(rid, "plot.png"))
    img = root.by_id("preview-image")
    assert img.tag == "img"
    src = img.attrs["src"]
    assert src.startswith(f"/runs/{rid}/artifacts/raw?") and query_param(src, "path") == ["plot.png"]
    image = site.get(src)
    assert image.content == seed.png and image.headers["content-type"].startswith("image/png")
    assert download_of(site, root, rid, "plot.png").content == seed.png


@pytest.mark.parametrize("bad", ["../../etc/passwd", "%2e%2e/x", "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                                 "nested/../../../etc/passwd", "..", "/etc/passwd"])
@pytest.mark.parametrize("endpoint", ["artifacts", "artifacts/raw"])
def test_artifact_path_traversal_refused(site, seed, server, bad, endpoint):
    r = raw_request(server.url, "GET", f"/runs/{seed.runs['alpha']}/{endpoint}?path={bad}")
    assert r.status in (400, 404), (r.status, r.text[:300])
    assert "root:" not in r.text and "daemon:" not in r.text


# -- compare -------------------------------------------------------------------------------------

def test_compare_diff_rows_and_overlaid_charts(site, seed):
    a, b = seed.runs["alpha"], seed.runs["beta"]
    root = site.dom(f"/compare?runs={a}&runs={b}")
    params = root.by_id("compare-params")
    rows = {key_of(tr.find("th", scope="row")): tr for tr in params.find_all("tr")
            if tr.find_all("th", scope="row")}
    assert "diff" in rows["lr"].classes()
    assert [squash(td.text()) for td in rows["lr"].cells() if td.tag == "td"] == ["0.1", "0.01"]
    assert "diff" not in rows["batch_size"].classes() and "diff" not in rows["optimizer"].classes()
    assert [squash(td.text()) for td in rows["batch_size"].cells() if td.tag == "td"] == ["32", "32"]

    metrics = root.by_id("compare-metrics")
    mrows = {key_of(tr.find("th", scope="row")): tr for tr in metrics.find_all("tr")
             if tr.find_all("th", scope="row")}
    assert "diff" in mrows["loss"].classes()
    assert [squash(td.text()) for td in mrows["loss"].cells() if td.tag == "td"] == \
        [fmt(seed.loss["alpha"][-1]), fmt(seed.loss["beta"][-1])]
    assert "diff" not in mrows["acc"].classes()  # same history in both runs

    assert set(series(chart(root, "loss"))) == {a, b}
    assert set(series(chart(root, "acc"))) == {a, b}
    assert set(series(chart(root, "big"))) == {a}
    for rid, path in series(chart(root, "loss")).items():
        short = "alpha" if rid == a else "beta"
        assert path.attrs["data-points"] == "100" and len(vertices(path.attrs["d"])) == 100
        assert_y_follows_values(vertices(path.attrs["d"]), seed.loss[short], f"compare loss {short}")

    _, swapped = site.html(f"/compare?runs={b}&runs={a}")
    rows = {key_of(tr.find("th", scope="row")): tr for tr in swapped.by_id("compare-params").find_all("tr")
            if tr.find_all("th", scope="row")}
    assert [squash(td.text()) for td in rows["lr"].cells() if td.tag == "td"] == ["0.01", "0.1"]


def test_compare_scatter(site, seed):
    a, b, c = (seed.runs[k] for k in ("alpha", "beta", "gamma"))
    root = site.dom(f"/compare?runs={a}&runs={b}&runs={c}&x=params.lr&y=metrics.loss")
    assert root.find("select", name="x") and root.find("select", name="y")
    options = {o.attrs.get("value") for o in root.find("select", name="x").find_all("option")}
    assert {"params.lr", "metrics.loss"} <= options, options
    svg = root.find("svg", cls="scatter")
    assert (svg.attrs.get("data-x"), svg.attrs.get("data-y")) == ("params.lr", "metrics.loss")
    points = {p.attrs["data-run"]: (float(p.attrs["cx"]), float(p.attrs["cy"]))
              for p in svg.find_all("circle", cls="point")}
    assert len(svg.find_all("circle", cls="point")) == 3 and set(points) == {a, b, c}
    # lr 0.1 > 0.01 > 0.001 -> right to left; loss alpha < beta < gamma -> alpha lowest (largest cy)
    assert points[a][0] > points[b][0] > points[c][0]
    assert points[a][1] > points[b][1] > points[c][1]


# -- registry ------------------------------------------------------------------------------------

def test_models_list(site, seed):
    root = site.dom("/models")
    table = root.by_id("models")
    links = {unquote(a.attrs["href"][len("/models/"):]): squash(a.text()) for a in table.find_all("a")
             if a.attrs.get("href", "").startswith("/models/")}
    assert links.get(seed.model) == seed.model
    assert links.get(seed.xss_model) == seed.xss_model
    for a in table.find_all("a"):  # the payload model's link must lead to its page
        if a.attrs.get("href", "").startswith("/models/") and squash(a.text()) == seed.xss_model:
            _, page = site.html(a.attrs["href"])
            assert seed.xss_model in squash(page.find("h1").text())


def test_model_page_versions_and_aliases(site, seed):
    root = site.dom(model_path(seed.model))
    assert seed.model in squash(root.find("h1").text())
    text = squash(root.text())
    assert f"churn model {seed.uid}" in text and "owner" in text and "ml-team" in text
    versions = {tr.attrs["data-version"]: tr for tr in root.by_id("versions").find_all("tr", data_version=True)}
    assert set(versions) == {"1", "2"}
    assert [squash(s.text()) for s in versions["1"].find_all("span", cls="alias")] == ["champion"]
    assert versions["2"].find_all("span", cls="alias") == []
    for n, short in (("1", "alpha"), ("2", "beta")):
        assert versions[n].find_all("a", href=f"/runs/{seed.runs[short]}"), n
        assert versions[n].find_all("a", href=f"{model_path(seed.model)}/versions/{n}"), n


def test_version_page_lineage(site, seed):
    root = site.dom(model_path(seed.model) + "/versions/1")
    text = squash(root.text())
    assert "champion" in text and "validated" in text
    lineage = root.find("section", id="lineage")
    assert lineage.find_all("a", href=f"/runs/{seed.runs['alpha']}")
    assert lineage.find_all("a", href=f"/experiments/{seed.sweep}")
    lineage_text = squash(lineage.text())
    assert seed.dataset_name in lineage_text and seed.dataset_digest in lineage_text
    assert "lr" in lineage_text and "0.1" in lineage_text
    assert "loss" in lineage_text and fmt(seed.loss["alpha"][-1]) in lineage_text

    _, v2 = site.html(model_path(seed.model) + "/versions/2")
    assert v2.find("section", id="lineage").find_all("a", href=f"/runs/{seed.runs['beta']}")


# -- unknown ids ---------------------------------------------------------------------------------

def test_unknown_ids_are_404(site, seed):
    missing = [
        "/experiments/987654321",
        "/runs/" + "0" * 32,
        "/runs/" + "0" * 32 + "/artifacts",
        "/runs/" + "0" * 32 + "/artifacts/raw?path=x.txt",
        f"/runs/{seed.runs['alpha']}/artifacts?path=no-such-file.txt",
        f"/runs/{seed.runs['alpha']}/artifacts/raw?path=no-such-file.txt",
        f"/models/no-such-model-{seed.uid}",
        f"{model_path(seed.model)}/versions/99",
    ]
    for path in missing:
        r = site.get(path, 404)
        if "/raw?" not in path:
            assert r.headers.get("content-type", "").startswith("text/html"), path
            root = parse(r.text)
            assert root.find_all("nav") and squash(root.find("body").text()), path


# -- payloads ------------------------------------------------------------------------------------

def test_harness_sees_a_payload_that_runs(site):
    """Control: Chromium runs scripts before --dump-dom, and the checks below would see it."""
    page = "data:text/html," + quote(f"<!DOCTYPE html><html><body><p>x</p>{PAYLOAD_SCRIPT}</body></html>")
    dumped = site.dump_url(page)
    assert parse(dumped).find("body").attrs.get("data-pwned") == "1", dumped[:500]
    with pytest.raises(AssertionError, match="a payload ran"):
        assert_no_injection(dumped, "control")
    with pytest.raises(AssertionError, match="unescaped"):
        assert_escaped(f"<p>{PAYLOAD_IMG}</p>", [], "control")


def test_payloads_are_escaped_and_never_run(site, seed):
    for path, (status, payloads) in xss_pages(seed).items():
        r = site.get(path, status)
        assert_escaped(r.text, payloads, f"raw HTML of {path}")
        assert_no_injection(r.text, f"raw HTML of {path}")
        site.dom(path, status)  # parsed and checked by Site.dom
        dom = parse(site._dumps[path])
        assert "data-pwned" not in dom.find("body").attrs, f"{path}: a payload ran in Chromium"
        shown = squash(dom.text()) + " ".join(v for n in dom.iter() for v in n.attrs.values())
        for payload in payloads:
            assert payload in shown or squash(payload) in shown, f"{path}: {payload!r} is not shown as text"


def test_payload_pages_show_the_values(site, seed):
    rid = seed.xss_run
    root = site.dom(f"/runs/{rid}")
    assert squash(root.find("h1").text()) == PAYLOAD_SCRIPT
    assert row_map(root.find("section", id="params")) == {"p_img": [PAYLOAD_IMG], "p_script": [PAYLOAD_SCRIPT]}
    tags = row_map(root.find("section", id="tags"))
    assert tags["note"][0] == PAYLOAD_SCRIPT and tags["note2"][0] == PAYLOAD_IMG
    assert PAYLOAD_IMG in squash(root.find("section", id="inputs").text())

    listing = site.dom(f"/runs/{rid}/artifacts")
    links = listing_links(listing, rid)
    assert links.get(PAYLOAD_FILE) == PAYLOAD_FILE, links
    # the payload-named file opens and downloads through the links the page gives
    href = next(a.attrs["href"] for a in listing.by_id("artifact-list").find_all("a")
                if query_param(a.attrs.get("href", ""), "path") == [PAYLOAD_FILE])
    _, page = site.html(href)
    assert page.by_id("preview").text().strip() == PAYLOAD_SCRIPT
    assert download_of(site, page, rid, PAYLOAD_FILE).content == (PAYLOAD_SCRIPT + "\n").encode()

    table = site.dom(artifact_page(rid, "xss.csv")).by_id("preview-table")
    assert [[squash(c.text()) for c in tr.cells()] for tr in table.find_all("tr")] == seed.xss_csv
    assert json.loads(site.dom(artifact_page(rid, "xss.json")).by_id("preview").text()) == seed.xss_json

    exp = site.dom(f"/experiments/{seed.xss_exp}")
    assert squash(exp.find("h1").text()) == seed.xss_exp_name
    [row] = run_rows(exp)
    assert squash(row.find("a", href=f"/runs/{rid}").text()) == PAYLOAD_SCRIPT
    assert columns_of(row)["params.p_img"] == PAYLOAD_IMG
    cols = columns_of(run_rows(site.dom(
        f"/experiments/{seed.xss_exp}?columns=tags.note&columns=tags.note2&columns=params.p_img"))[0])
    assert cols == {"tags.note": PAYLOAD_SCRIPT, "tags.note2": PAYLOAD_IMG, "params.p_img": PAYLOAD_IMG}

    bad = site.dom(f"/experiments/{seed.xss_exp}?filter=" + quote(PAYLOAD_IMG, safe=""), status=400)
    assert bad.find("p", cls="error", role="alert")

    compare = site.dom(f"/compare?runs={rid}&runs={seed.xss_run2}&x=params.p_img&y=metrics.score")
    rows = row_map(compare.by_id("compare-params"))
    assert rows["p_img"] == [PAYLOAD_IMG, "plain"] and rows["p_script"] == [PAYLOAD_SCRIPT, PAYLOAD_SCRIPT]
    labels = {p.attrs["data-run"]: p.attrs.get("data-label") for p in chart(compare, "score").find_all("path", cls="series")}
    assert set(labels) == {rid, seed.xss_run2}

    model = site.dom(model_path(seed.xss_model))
    assert squash(model.find("h1").text()) == seed.xss_model
    assert [squash(s.text()) for s in model.by_id("versions").find("tr", data_version="1").find_all("span", cls="alias")] == ["champion"]
    version = site.dom(model_path(seed.xss_model) + "/versions/1")
    assert PAYLOAD_IMG in squash(version.find("section", id="lineage").text())


# -- valid, accessible HTML ----------------------------------------------------------------------

def test_pages_are_valid_html_with_labelled_controls(site, seed):
    """Every page parses under html5lib's strict HTML5 parser (any parse error fails), has one h1
    and lang, labels every form control, scopes every header cell and gives every image alt text."""
    import html5lib

    for path, (status, _) in {**{p: (200, []) for p in plain_pages(seed)}, **xss_pages(seed)}.items():
        r = site.get(path, status)
        try:
            html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(r.text)
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{path}: not valid HTML5: {error}")
        root = parse(r.text)
        assert root.find_all("html")[0].attrs.get("lang") == "en", path
        assert len(root.find_all("h1")) == 1, f"{path}: one h1"
        labelled = {n.attrs["for"] for n in root.find_all("label") if "for" in n.attrs}
        for control in root.find_all("input") + root.find_all("select"):
            if control.attrs.get("type") == "hidden":
                continue
            inside_label = any(isinstance(a, Node) and a.tag == "label" for a in ancestors(control))
            assert control.attrs.get("id") in labelled or inside_label or control.attrs.get("aria-label"), \
                f"{path}: unlabelled {control}"
        for th in root.find_all("th"):
            assert th.attrs.get("scope") in ("col", "row"), f"{path}: {th} without scope"
        for img in root.find_all("img"):
            assert img.attrs.get("alt"), f"{path}: {img} without alt"


def ancestors(node: Node):
    while node.parent is not None:
        node = node.parent
        yield node
