"""The rules of the day, one module each, in the order the model applies them.

* :mod:`~migmodel.rules.season`: the calendar of departures (season, COVID-19's closures);
* :mod:`~migmodel.rules.departure`: who sets out, as what kind of migrant;
* :mod:`~migmodel.rules.arrival`: the end of a leg, death or apprehension on the way;
* :mod:`~migmodel.rules.mexico`: the consequences of apprehension in Mexico and in transit;
* :mod:`~migmodel.rules.us_border`: encounters at the US border and their consequences;
* :mod:`~migmodel.rules.queue`: at the border, cross, wait for an appointment, settle or go home;
* :mod:`~migmodel.rules.moving`: the next leg, paying for it, or stopping to work;
* :mod:`~migmodel.rules.beliefs`: what people expect, and how they learn it.

``docs/ODD.md`` §7 describes each with its sources, in this order.
"""
