"""Typed settings, from the environment (and a .env file when present)."""

import json
import re
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from graph.records import Category, CreditGrade, Hazard

# Differentiated supervision (customs enterprise-credit rules): REGULAR is the base rate; advanced-certified
# enterprises are inspected at under 20 % of it, certified ones under half; dishonest ones at 80 % or more.
DEFAULT_INSPECTION_RATES = {
    CreditGrade.ADVANCED_CERTIFIED: 0.005,
    CreditGrade.CERTIFIED: 0.02,
    CreditGrade.REGULAR: 0.05,
    CreditGrade.DISHONEST: 0.8,
    CreditGrade.SERIOUSLY_DISHONEST: 1.0,
}


class LabFailureRisk(BaseModel):
    """What a FAIL report from a recognised lab says about its batch, for one product category."""

    severity: int = Field(ge=1, le=4)
    probability: float = Field(gt=0, le=1)
    hazard: Hazard


# Defaults for the LAB_FAILURE signal a FAIL report raises (README, "Risk"): how bad the harm a failed
# product of the category can do (severity 1..4) and how likely it is to reach a user (probability).
DEFAULT_LAB_FAILURE_RISK = {
    Category.FOOD: LabFailureRisk(severity=3, probability=0.01, hazard=Hazard.BIOLOGICAL),
    Category.FOOD_CONTACT: LabFailureRisk(severity=2, probability=0.001, hazard=Hazard.CHEMICAL),
    Category.COSMETICS: LabFailureRisk(severity=2, probability=0.001, hazard=Hazard.CHEMICAL),
    Category.TOY: LabFailureRisk(severity=3, probability=0.001, hazard=Hazard.CHEMICAL),
    Category.CHILDREN_PRODUCT: LabFailureRisk(severity=3, probability=0.001, hazard=Hazard.PHYSICAL),
    Category.INFANT_CLOTHING: LabFailureRisk(severity=2, probability=0.001, hazard=Hazard.CHEMICAL),
    Category.FUNCTIONAL_CLOTHING: LabFailureRisk(severity=2, probability=0.0001, hazard=Hazard.PHYSICAL),
    Category.ELECTRICAL: LabFailureRisk(severity=4, probability=0.0001, hazard=Hazard.PHYSICAL),
    Category.AUTO: LabFailureRisk(severity=4, probability=0.00001, hazard=Hazard.PHYSICAL),
    Category.AUTO_PART: LabFailureRisk(severity=4, probability=0.0001, hazard=Hazard.PHYSICAL),
    Category.NON_ROAD_MACHINERY: LabFailureRisk(severity=3, probability=0.0001, hazard=Hazard.ENVIRONMENTAL),
    Category.OTHER: LabFailureRisk(severity=2, probability=0.001, hazard=Hazard.HEALTH),
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Neo4j. Without NEO4J_URI the project's own local server (ops/neo4j_local.py) is used.
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    # A pooled connection is replaced after this long (seconds). The driver's receive buffer keeps the size of the
    # largest answer its connection ever carried, so without a bound a worker that once answered a recall of
    # 50 000 lots on each of its connections keeps all those buffers for the driver's default hour
    # (tests/graph/test_db.py; bench/RESULTS.md, round four).
    neo4j_max_connection_lifetime_s: float = Field(default=300.0, gt=0)
    # Client-side transaction timeout for every query the service sends (seconds).
    query_timeout_s: float = Field(default=15.0, gt=0)
    # Writes of one import batch may take longer than a read.
    write_timeout_s: float = Field(default=120.0, gt=0)
    import_batch_size: int = Field(default=10_000, ge=1, le=100_000)
    # Import write transactions in flight at once. More than 1 overlaps packing with writing, but chunks that
    # link the same hub enterprises then deadlock and are retried after a back-off: measured slower (bench/).
    import_concurrency: int = Field(default=1, ge=1, le=16)
    # Refuse imports posted over GraphQL above this size; the CLI and POST /imports stream files of any size.
    import_max_bytes: int = 20_000_000
    # Import jobs (POST /imports): a finished job is kept in memory this long (seconds); the bodies are spooled to
    # this directory (default: the system's temporary directory), and need about their uncompressed size there.
    import_job_keep_s: float = Field(default=3600.0, ge=0)
    import_job_dir: str | None = None

    # GraphQL request limits (guard the server against expensive or abusive queries).
    # Depth: an 8-tier `inputs { batch { inputs ... } }` walk (the generator's tiers) is 18 levels deep.
    graphql_max_depth: int = 24
    graphql_max_tokens: int = 5000
    graphql_max_aliases: int = 30
    # The most objects a query's answer may hold, counted before it runs with lists multiplied by their `first`
    # (api/gql/cost.py): two nested full pages (10^6) pass, three (10^9) do not.
    graphql_max_cost: int = Field(default=2_000_000, ge=1)
    # Objects the navigation lists (the fields that take `first`) may return to one query, counted while its
    # answer is built (api/gql/object_cap.py): twenty full pages, far above what an investigator reads in one
    # answer. Building that many took 5 s on data set S (a loaded 2-core machine), so the cap is not higher.
    graphql_max_objects: int = Field(default=20_000, ge=1)

    # --- recall: runaway guards of the traversals (issue 15 item 3): no real recall or trace is refused, so these
    # sit far above any real answer (the 2008 milk-powder recall reached tens of thousands of lots); an answer
    # holding more lots, or a trace more INPUT_TO edges, is refused with an error naming the setting.
    recall_max_lots: int = Field(default=2_000_000, ge=1)
    trace_max_lots: int = Field(default=2_000_000, ge=1)
    trace_max_edges: int = Field(default=10_000_000, ge=1)
    # --- end recall

    # Credit: how often the server re-evaluates grades whose listings started, expired or were corrected
    # (seconds; 0 turns the background sweep off, `tracegraph credit sweep` still runs it once).
    credit_sweep_interval_s: float = Field(default=60.0, ge=0)
    # Inspection rate by credit grade (JSON object in INSPECTION_RATES), and the floor an enterprise exposed
    # to blacklist contagion (RAISED_INSPECTION or DOWNGRADE_REVIEW) is raised to.
    inspection_rates: dict[CreditGrade, float] = Field(default_factory=lambda: dict(DEFAULT_INSPECTION_RATES))
    inspection_raised_rate: float = Field(default=0.3, ge=0, le=1)
    # Contagion searches the tie graph (cached whole per process up to this many ties) or, above it, the association
    # neighbourhood of its sources, refused beyond this many ties: a guard against a runaway, not a limit on a real
    # answer (the 1 000 000-lot bench graph holds 1.3 million ties; 500 000 refused every contagion there).
    contagion_max_ties: int = Field(default=20_000_000, ge=1)

    # Risk. assessSignal: a scope reaching this many consignees is wide (grade rule of contract/risk.graphql).
    risk_wide_consignees: int = Field(default=20, ge=1)
    # The LAB_FAILURE signal a FAIL report raises, per product category (JSON object in LAB_FAILURE_RISK;
    # categories left out keep their default).
    lab_failure_risk: dict[Category, LabFailureRisk] = Field(default_factory=lambda: dict(DEFAULT_LAB_FAILURE_RISK))
    # Recall deadlines count working days (Monday to Friday) in this time zone.
    recall_timezone: str = "Asia/Shanghai"
    # Warning evaluation: watch a warning at least this many days before recommending to lift it.
    warning_observation_days: int = Field(default=30, ge=0)
    # Signals without an incident key on the same subject and hazard received this close are one incident
    # (graph/risk/channels.py): linked, counted once.
    incident_window_days: int = Field(default=7, ge=0, le=365)
    # The CJK font the PDF reports embed (a subset of it): a TrueType/OpenType file or collection; empty: the first
    # of graph/reports/pdf.py's FONT_CANDIDATES that exists (Debian's fonts-noto-cjk, fonts-wqy-zenhei).
    report_font: str = ""

    # The explorer (/explore) signs in with this identity provider (authorization code + PKCE), e.g.
    # http://127.0.0.1:8080/realms/tracegraph; without it the page asks for a token to paste.
    explorer_oidc_issuer: str | None = None
    explorer_oidc_client_id: str = "tracegraph-explorer"

    log_level: str = "INFO"
    log_json: bool | None = None  # None: JSON when stdout is not a terminal
    # Repeated warnings and errors (same logger, level and message) pass this many times per interval; the rest
    # are counted and reported in one "suppressed" line, so a flood cannot fill the disk.
    log_repeat_burst: int = Field(default=20, ge=1)
    log_repeat_interval_s: float = Field(default=60.0, gt=0)

    # HTTP server (`tracegraph serve`): connection limits and timeouts, so slow or idle clients cannot exhaust
    # file descriptors or workers. Above api_limit_concurrency connections or requests in flight, requests are
    # answered 503; above api_max_connections, new connections are closed at once.
    # Worker processes of `tracegraph serve` (API_WORKERS): each its own event loop and Neo4j driver pool, all on
    # one socket; the limits below are per worker. bench/load.py measures 1, 2 and 4 on 2 cores.
    api_workers: int = Field(default=1, ge=1, le=64)
    api_worker_healthcheck_s: int = Field(default=60, ge=1)  # a worker silent this long (seconds) is replaced
    api_limit_concurrency: int = Field(default=512, ge=1)
    api_max_connections: int = Field(default=1024, ge=1)
    api_backlog: int = Field(default=512, ge=1)  # connections the kernel queues, and one accept round takes
    api_keep_alive_s: int = Field(default=5, ge=1)  # an idle keep-alive connection is closed after this
    api_header_timeout_s: float = Field(default=10.0, gt=0)  # a request's line and headers must arrive within this
    api_body_timeout_s: float = Field(default=30.0, gt=0)  # the longest wait for the next piece of a request body
    api_max_header_bytes: int = Field(default=16_384, ge=1024)  # request line plus headers
    api_graceful_shutdown_s: int = Field(default=30, ge=0)  # on SIGTERM, requests in flight get this long
    # Request bodies larger than this are refused with 413 (bytes); per path (prefix) another cap, or null for
    # none. POST /imports streams its body to disk, so it has none unless MAX_BODY_BYTES_BY_PATH (which replaces
    # this default) sets one, e.g. '{"/imports": 5000000000}'.
    max_body_bytes: int = Field(default=10_000_000, ge=0)
    max_body_bytes_by_path: dict[str, int | None] = Field(
        default_factory=lambda: dict[str, int | None]({"/imports": None, "/epcis/capture": 500_000_000})
    )
    # EPCIS capture (api/epcis/routes.py): a document is held and validated whole, so it has a cap in events;
    # over it, 413 with GS1-EPCIS-Capture-Limit. A 100 000-event document is about 40 MB.
    epcis_capture_max_events: int = Field(default=200_000, ge=1)
    # A running capture job renews its heartbeat this often (seconds); one on another host whose heartbeat is three
    # of these old reads as interrupted (its process is gone). On the same host the process itself is looked for.
    epcis_capture_heartbeat_s: float = Field(default=20.0, gt=0)

    # Authentication (api/auth.py): OpenID Connect bearer tokens (JWT), verified against the keys each accepted
    # issuer publishes (found by OIDC discovery). AUTH_ISSUERS: the issuer URLs accepted, comma-separated (a
    # Keycloak realm is https://host/realms/NAME). AUTH_AUDIENCE: the client id a token must name in `aud` or `azp`.
    # The roles and (data suppliers) enterprise ids are read from these claims, dotted paths into the token.
    auth_issuers: Annotated[list[str], NoDecode] = Field(default_factory=list)
    auth_audience: str = "tracegraph-api"  # the realm's audience mapper (ops/keycloak/realm-tracegraph.json)
    auth_roles_claim: str = "realm_access.roles"
    auth_enterprises_claim: str = "tracegraph_enterprises"
    auth_clock_skew_s: int = Field(default=30, ge=0, le=600)  # leeway on exp / nbf / iat for clocks apart
    auth_keys_max_age_s: float = Field(default=3600.0, gt=0)  # an issuer's keys are fetched again after this
    # A token naming a key the cache does not hold fetches the issuer's keys again, at most once per this interval,
    # so a flood of invented key ids cannot hammer the issuer.
    auth_keys_refresh_min_s: float = Field(default=30.0, ge=0)
    auth_http_timeout_s: float = Field(default=5.0, gt=0)  # discovery and key requests to an issuer
    # The local issuer for development and tests (api/local_issuer.py): a signing key under var/auth/, its keys
    # served by this app at AUTH_LOCAL_ISSUER_URL (whose path is /auth/local), and accepted beside AUTH_ISSUERS.
    # `tracegraph token` signs with it. Off unless set (`make run` sets it).
    auth_local_issuer: bool = False
    auth_local_issuer_url: str = "http://127.0.0.1:8000/auth/local"
    auth_local_key_file: str | None = None  # default var/auth/local-issuer-keys.json in the project

    @field_validator("auth_issuers", mode="before")
    @classmethod
    def _issuer_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in value.replace(",", " ").split() if part]
        return value

    @field_validator("auth_issuers")
    @classmethod
    def _issuer_urls(cls, issuers: list[str]) -> list[str]:
        bad = [i for i in issuers if not i.startswith(("https://", "http://"))]
        if bad:
            raise ValueError(f"an issuer is an http(s) URL, not {bad[0]!r}")
        return [i.rstrip("/") for i in issuers]

    def accepted_issuers(self) -> tuple[str, ...]:
        """Every issuer whose tokens are accepted: AUTH_ISSUERS, and the local issuer when it is on."""
        local = (self.auth_local_issuer_url.rstrip("/"),) if self.auth_local_issuer else ()
        return tuple(dict.fromkeys((*self.auth_issuers, *local)))

    # --- public services and hardening (issue 12, items 6 and 7) ---------------------------------------------------
    # POST /public/complaints: complaints one client address may file per minute; counted by each process for
    # itself (N replicas let N times as many through).
    public_complaints_per_minute: int = Field(default=30, ge=1)
    # GraphiQL's page at GET /graphql, and GraphQL introspection (__schema, __type): on for local use, where the
    # explorer needs both; set GRAPHIQL=false and INTROSPECTION=false in production.
    graphiql: bool = True
    introspection: bool = True
    # Origins (scheme://host[:port]) whose browser pages may call the API, comma-separated or a JSON list;
    # empty (the default): no CORS headers, so only same-origin pages can read the answers.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origin_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [o.strip() for o in text.split(",") if o.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ValueError(f"{origin!r} is not an origin: scheme://host[:port], no path, no trailing slash")
        return origins

    # --- end of public services and hardening -----------------------------------------------------------------

    @field_validator("inspection_rates")
    @classmethod
    def _rates_cover_grades_in_order(cls, rates: dict[CreditGrade, float]) -> dict[CreditGrade, float]:
        missing = [g.value for g in CreditGrade if g not in rates]
        if missing:
            raise ValueError(f"a rate for every grade is needed; missing {', '.join(missing)}")
        out_of_range = [g.value for g, r in rates.items() if not 0 <= r <= 1]
        if out_of_range:
            raise ValueError(f"rates are fractions in 0..1; not so for {', '.join(out_of_range)}")
        ordered = [rates[g] for g in CreditGrade]  # best grade first: a worse grade is never inspected less
        if ordered != sorted(ordered):
            raise ValueError("a worse credit grade must not have a lower inspection rate than a better one")
        return rates

    @field_validator("lab_failure_risk")
    @classmethod
    def _every_category(cls, table: dict[Category, LabFailureRisk]) -> dict[Category, LabFailureRisk]:
        return {**DEFAULT_LAB_FAILURE_RISK, **table}

    @field_validator("recall_timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (an IANA name such as Asia/Shanghai)") from None
        return name


@lru_cache
def get_settings() -> Settings:
    return Settings()
