"""What the model is known to get wrong, in words, for the validation report.

Kept apart from the code that computes the report, so that whoever changes the model can find
and correct the prose in one place.
"""

EDGE_MEANING = {
    "enforcement.mexico_south": "the southern-border apprehension chance is a per-crossing "
    "hazard on one leg, while INM presentations count events anywhere in Mexico: the network "
    "has too few places where people are caught",
    "enforcement.us_border": "evaders' encounter chance trades off against got-aways, which "
    "no series here measures",
    "policies.asylum_rule#1.reattempt_multiplier": "repeat crossings under Title 42 are "
    "carried by the three-day retry at the border, not by this multiplier",
    "departure_choice.elasticity": "deterrence at home is set by the policy responses alone",
}
"""What a posterior piled at an edge of its prior signals about the model's structure."""

KNOWN_LIMITS = (
    "People waiting at the border: the queue for port appointments weighs the chance of an "
    "appointment within 60 days (`border_choice.horizon_days`, a judgement) against crossing; "
    "the stock is not fitted (table above).",
    "Darién: after Mexico's visa for Venezuelans (January 2022) every Venezuelan route north "
    "crosses the Darién; the shares of Venezuelans and Haitians who set out from Colombia, "
    "Peru, Ecuador, Chile or Brazil are judgements (`origins.csv`).",
    "Within a year, push follows the drivers' level, trend and dated shifts and a pre-2020 "
    "seasonal profile, so monthly spikes the data show (spring 2021 and 2022, December 2022) "
    "are not in the runs unless a policy makes them.",
    "COVID-19 is a factor on departures from mid-March to June 2020 whose depth is the "
    "April/February 2020 ratio of encounters; it does not close legs.",
    "Apprehensions in Mexico are INM 'presentations' (events, not people, including people met "
    "far from the routes the network draws); the model counts apprehensions on its routes.",
    "Deaths are compared in order of magnitude only: IOM's Central American route includes "
    "Caribbean sea crossings that the network does not have.",
    "The forecasts continue each nationality's trend, damped (0.9 a month, a judgement after "
    "Gardner & McKenzie 1985), and cannot foresee new dated shifts: flows that began after "
    "an origin (Ecuadorians and Chinese after September 2022) are not in its forecast.",
)
"""Limits the report lists whatever the numbers say."""
