"""The parameter catalogue: every behavioural parameter of a scenario, declared once.

Each entry gives the unit, range, default and help of a number or a table of numbers; the
defaults are the model's documented defaults, and the comments and ``docs/ODD.md`` give the
source of each (or mark it as a judgement). :mod:`migmodel.scenario` validates scenario files
against this catalogue; ``migmodel validate baseline --show`` prints it.
"""

from __future__ import annotations

from geo import AUTHORITIES
from migmodel.inputs import Number, Table
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES

ENFORCED = tuple(a for a in AUTHORITIES if a != "none")


def _per_pattern(values: dict[str, float], number: Number, help: str) -> Table:
    return Table(FLOW_PATTERNS, number, values, help)


PARAMETERS: dict[str, Number | Table] = {
    "days": Number(365, 1, 36_600, "days", "length of the run", integer=True),
    "spinup_days": Number(
        180,
        0,
        3650,
        "days",
        "days simulated before start, not recorded, so the routes are full on day one",
        integer=True,
    ),
    "people_per_agent": Number(
        200,
        1,
        100_000,
        "people",
        "how many people one agent stands for (1 = full scale)",
        integer=True,
    ),
    "departures": Table(
        NATIONALITIES,
        Number(0, 0, 1e8, "people/year", "would-be irregular migrants leaving per year"),
        # Tuned, with the model before beliefs, the queue and kinds of migrant, so that baseline
        # FY US encounters by pattern sat near FY2022 (CBP_NW_GDI); docs/ODD.md section 8.
        {
            "GTM": 319_000,
            "HND": 283_000,
            "SLV": 127_000,
            "COL": 166_000,
            "ECU": 37_000,
            "PER": 67_000,
            "OTH": 272_000,
            "VEN": 301_000,
            "CUB": 382_000,
            "HTI": 87_000,
            "NIC": 239_000,
            "MEX": 771_000,
        },
        "people leaving per year by nationality, before losses on the way",
    ),
    "push": Table(
        NATIONALITIES,
        Number(1, 0, 100, "× baseline", "push index: multiplies departures"),
        dict.fromkeys(NATIONALITIES, 1.0),
        "push index by nationality (economy, violence, crisis); 1 = baseline",
    ),
    "party_size": _per_pattern(
        {"northern_triangle": 1.6, "transcontinental": 1.3, "crisis_states": 1.5, "mexican": 1.1},
        Number(1, 1, 10, "people", "mean people travelling together"),
        "mean party size by flow pattern",
    ),
    "budget_usd": _per_pattern(
        {
            "northern_triangle": 7_500,
            "transcontinental": 8_000,
            "crisis_states": 5_000,
            "mexican": 4_000,
        },
        Number(0, 0, 100_000, "USD/person", "median money for the journey"),
        "median journey budget per person by flow pattern (log-normal, sigma 0.5)",
    ),
    "route_choice": Table(
        ("days_weight", "cost_weight", "risk_weight", "enforcement_weight", "sensitivity"),
        Number(0, 0, 1e6, "", "route-choice weight"),
        {
            "days_weight": 1.0,
            "cost_weight": 1.0,
            "risk_weight": 5_000.0,
            "enforcement_weight": 30.0,
            "sensitivity": 0.5,
        },
        "generalised cost = days_weight·days + cost_weight·USD/1000 + risk_weight·hazard + "
        "enforcement_weight·P(apprehension); choice ∝ exp(-sensitivity·cost)",
    ),
    "enforcement": Table(
        ENFORCED,
        Number(0, 0, 1, "probability", "apprehension chance per traversal of an edge"),
        {
            "darien": 0.0,
            "central_america": 0.005,
            "guatemala": 0.01,
            "mexico_south": 0.04,
            "mexico_interior": 0.02,
            "mexico_rail": 0.025,
            "us_border": 0.67,
        },
        "baseline chance that crossing an edge under this authority ends in apprehension "
        "(us_border: that an evader's crossing ends in a US encounter: FY2019, single adults "
        "apprehended 302k against 151k known got-aways)",
    ),
    "transit_reattempt_share": _per_pattern(
        {"northern_triangle": 0.4, "transcontinental": 0.2, "crisis_states": 0.3, "mexican": 0.0},
        Number(0, 0, 1, "probability", "tries again after deportation from transit"),
        "share of people deported home from transit who set out again",
    ),
    "removal_share": _per_pattern(
        {
            "northern_triangle": 0.55,
            "transcontinental": 0.15,
            "crisis_states": 0.1,
            "mexican": 0.85,
        },
        Number(0, 0, 1, "probability", "share of US encounters removed or expelled"),
        "share of US encounters removed/expelled (the rest are released to pursue a claim)",
    ),
    "border_reattempt_share": _per_pattern(
        {"northern_triangle": 0.3, "transcontinental": 0.1, "crisis_states": 0.1, "mexican": 0.45},
        Number(0, 0, 1, "probability", "tries again after removal"),
        "share of people removed at the US border who try again",
    ),
    "reattempt_delay_days": _per_pattern(
        {"northern_triangle": 60, "transcontinental": 90, "crisis_states": 90, "mexican": 10},
        Number(0, 0, 3650, "days", "days before a removed person tries again", integer=True),
        "days between a removal or deportation home and setting out again",
    ),
    "asylum_seeker_share": Table(
        NATIONALITIES,
        Number(0, 0, 1, "share", "share of a nationality's migrants who seek asylum"),
        # Family units' share of FY2019 Border Patrol apprehensions by citizenship (CBP, FY2019
        # Southwest Border Migration; OHSS): GTM 70%, HND 74%, SLV 63%, MEX 3.6%, others ~48%.
        # Crisis-state nationals, whom few countries took back, presented to seek asylum
        # (expulsion rates under 1% in 2021–22): 0.9 is a judgement.
        {
            "GTM": 0.70,
            "HND": 0.74,
            "SLV": 0.63,
            "COL": 0.48,
            "ECU": 0.48,
            "PER": 0.48,
            "OTH": 0.48,
            "VEN": 0.9,
            "CUB": 0.9,
            "HTI": 0.9,
            "NIC": 0.9,
            "MEX": 0.04,
        },
        "share of each nationality's migrants who are asylum seekers (surrender at the US "
        "border, pay no smuggler to cross); the rest are evaders",
    ),
    "expel_to_mexico_share": _per_pattern(
        {"northern_triangle": 0.0, "transcontinental": 0.0, "crisis_states": 0.0, "mexican": 1.0},
        Number(0, 0, 1, "share", "share of removed people sent to the Mexican side"),
        "share of people removed at the US border who are put on the Mexican side of the border "
        "rather than flown to their country (Mexicans always are; Title 42 and the January 2023 "
        "measures raise it for others)",
    ),
    "mexico_deportation_share": _per_pattern(
        # 2022: returns / presentations = 62% for GTM/HND/SLV, 6.6% for everyone else
        # (mexico_expulsions.csv, mexico_inm_presentations.csv; MX_UPM_EXP_GDI, MX_UPM_GDI).
        {"northern_triangle": 0.62, "transcontinental": 0.07, "crisis_states": 0.07, "mexican": 0},
        Number(0, 0, 1, "share", "share of apprehensions in Mexico ending in deportation"),
        "share of people apprehended in Mexico who are deported or returned to their country",
    ),
    "mexico_relocation_share": _per_pattern(
        {"northern_triangle": 0.1, "transcontinental": 0.2, "crisis_states": 0.2, "mexican": 0},
        Number(0, 0, 1, "share", "share of apprehensions in Mexico ending in relocation south"),
        "share of people apprehended in Mexico who are taken back to southern Mexico "
        "(judgement: INM busing and flights to Tapachula, 2021–2023); the rest are released "
        "with a document",
    ),
    "beliefs": Table(
        ("memory_days", "lag_days", "prior_people", "noise_sd"),
        Number(0, 0, 1e7, "", "how beliefs learn"),
        {"memory_days": 30, "lag_days": 21, "prior_people": 2000, "noise_sd": 0.05},
        "beliefs about the chance of staying in the US: memory of outcomes at the border "
        "(days), news lag from the border to home (days), the weight of an announced rule "
        "(people), weekly noise on home beliefs (log-normal sd)",
    ),
    "departure_choice": Table(
        ("elasticity", "cost_weight", "max_factor"),
        Number(0, 0, 100, "", "how departures respond to expectations"),
        {"elasticity": 1.0, "cost_weight": 0.02, "max_factor": 3.0},
        "share of the pool setting out = (believed chance / at start)^elasticity · "
        "exp(-cost_weight · rise in expected journey cost), at most max_factor",
    ),
    "border_choice": Table(
        (
            "sensitivity",
            "wait_cost",
            "settle_value",
            "home_value",
            "horizon_days",
            "decide_days",
        ),
        Number(0, -10, 1e4, "", "the decision at the border"),
        {
            "sensitivity": 10.0,
            "wait_cost": 0.1,
            "settle_value": 0.0,
            "home_value": -0.1,
            "horizon_days": 60,
            "decide_days": 14,
        },
        "at the border: P(cross, wait, settle, go home) ∝ exp(sensitivity · value); crossing "
        "is worth the believed chance of staying, waiting the chance of an appointment within "
        "horizon_days less wait_cost; those waiting decide again every decide_days",
    ),
    "seasonal": Number(
        1,
        0,
        1,
        "0/1",
        "departures follow the pre-2020 monthly profile (1) or not (0)",
        integer=True,
    ),
    "border_retry_days": Number(
        3,
        0,
        365,
        "days",
        "days before someone put back on the Mexican side of the border decides again "
        "(judgement: smugglers took expelled migrants back across, often the same day; "
        "Reuters, 12 November 2020)",
        integer=True,
    ),
    "work": Table(
        ("days", "income_usd"),
        Number(0, 0, 1e5, "", "working on the way"),
        {"days": 30, "income_usd": 600},
        "a migrant who cannot pay the next leg works this many days and earns this much",
    ),
}
"""Every behavioural parameter with unit, range, default and help (the model's defaults)."""
