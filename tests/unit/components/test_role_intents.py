"""components/role_intents.py: a topic with an entry of its own per role gives its confidence to the
entry of the one role a message names; trained from the knowledge base, persisted and loaded."""

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.intent_classifier import EVIDENCE
from components.role_intents import RoleIntentResolver

RANKING = [
    {"name": "faq_pm_demand", "confidence": 0.31},
    {"name": "follow_up", "confidence": 0.2},
    {"name": "faq_it_pm_demand", "confidence": 0.17},
    {"name": "faq_non_it_to_pm", "confidence": 0.05},
]
VIEWS = {"words": "follow_up", "meaning": "faq_pm_demand", "nearest": "faq_it_pm_demand"}


def parsed(roles):
    entities = [{"entity": "role", "value": r, "start": 0, "end": 1} for r in roles]
    message = Message(data={TEXT: "lots of IT PM vacancies?", ENTITIES: entities})
    message.set(INTENT, RANKING[0])
    message.set(INTENT_RANKING_KEY, list(RANKING))
    message.set(EVIDENCE, {"agree": False, "similarity": 0.6, "views": dict(VIEWS)})
    return message


@pytest.fixture(scope="module")
def resolver(kb, tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("role_intents")
    context = ExecutionContext(None, "role_intents")
    trained = RoleIntentResolver.create({}, storage, resource, context)
    intents = [f"faq_{e.id}" for e in kb.intent_entries] + ["follow_up"]
    trained.train(TrainingData([Message(data={TEXT: i, INTENT: i}) for i in intents]))
    return RoleIntentResolver.load({}, storage, resource, context)


def test_only_topics_with_an_entry_per_role_are_kept(resolver, kb):
    assert resolver.topics["demand"] == {
        "project_manager": "faq_pm_demand",
        "it_project_manager": "faq_it_pm_demand",
    }
    assert "salary" not in resolver.topics  # one entry, with variants: the dialogue picks the role
    assert all(len(roles) > 1 for roles in resolver.topics.values())


def test_the_named_role_gets_its_topic_s_confidence(resolver):
    message = resolver.process([parsed(["it_project_manager"])])[0]
    assert message.get(INTENT)["name"] == "faq_it_pm_demand"
    assert message.get(INTENT)["confidence"] == pytest.approx(0.48)
    names = [i["name"] for i in message.get(INTENT_RANKING_KEY)]
    assert names == ["faq_it_pm_demand", "follow_up", "faq_non_it_to_pm"]
    evidence = message.get(EVIDENCE)
    assert evidence["views"]["meaning"] == evidence["views"]["nearest"] == "faq_it_pm_demand"
    assert evidence["agree"] is False  # the words view still says follow_up


@pytest.mark.parametrize(
    "roles",
    [
        [],  # no role named
        ["project_manager"],  # the project manager: the classifier's own ranking stands
        ["change_manager"],  # no entry of its own in these topics
    ],
)
def test_a_message_without_one_such_role_keeps_its_ranking(resolver, roles):
    message = resolver.process([parsed(roles)])[0]
    assert message.get(INTENT_RANKING_KEY) == RANKING
    assert message.get(EVIDENCE)["views"] == VIEWS


def test_a_second_role_without_an_entry_in_the_topic_does_not_matter(resolver):
    message = resolver.process([parsed(["pmo", "it_project_manager"])])[0]
    assert message.get(INTENT)["name"] == "faq_it_pm_demand"


def test_an_untrained_resolver_changes_nothing(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("missing")
    empty = RoleIntentResolver.load({}, storage, resource, ExecutionContext(None, "x"))
    assert empty.process([parsed(["it_project_manager"])])[0].get(INTENT_RANKING_KEY) == RANKING
