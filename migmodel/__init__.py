"""migmodel: an agent-based model of irregular migration to the US southwest border.

The public API::

    import migmodel
    scenario = migmodel.load_scenario("baseline")
    results = migmodel.run(scenario, seed=1)
    results.fiscal_years()
"""

from migmodel.measures import MEASURES
from migmodel.model import MigrationModel
from migmodel.patterns import FLOW_PATTERNS, NATIONALITIES, NATIONALITY_PATTERN
from migmodel.results import Results
from migmodel.scenario import Scenario, ScenarioError, builtin_scenarios, load_scenario
from migmodel.simulate import __version__, collect, run

__all__ = [
    "FLOW_PATTERNS",
    "MEASURES",
    "NATIONALITIES",
    "NATIONALITY_PATTERN",
    "MigrationModel",
    "Results",
    "Scenario",
    "ScenarioError",
    "__version__",
    "builtin_scenarios",
    "collect",
    "load_scenario",
    "run",
]
