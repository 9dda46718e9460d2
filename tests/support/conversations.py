"""Conversations the end-to-end tests replay (tests/integration/test_follow_ups.py over one server,
test_scaleout.py across two replicas), and how a reply is checked against what it must be about."""

# Each turn: what the user says, then what the reply must be about: (type, faq_id, role, topic).
# Most turns only make sense with what came before; round robin sends about half of them to the
# other replica.
SCRIPTS = {
    "pay then stress across roles": [
        (
            "How much does a project manager earn?",
            ("faq_answer", "pm_salary", "project_manager", "salary"),
        ),
        (
            "what about programme managers?",
            ("faq_answer", "programme_manager_salary", "programme_manager", "salary"),
        ),
        ("which one pays more?", ("comparison", None, None, "salary")),
        (
            "is it stressful?",
            ("faq_answer", "programme_manager_stress", "programme_manager", "stress"),
        ),
        (
            "and in the UK?",
            ("faq_answer", "programme_manager_stress", "programme_manager", "stress"),
        ),
        ("why?", ("sources", "programme_manager_stress", "programme_manager", "stress")),
        ("and for a PMO analyst?", ("faq_answer", "pmo_stress", "pmo", "stress")),
        (
            "what about scrum masters?",
            ("faq_answer", "scrum_master_stress", "scrum_master", "stress"),
        ),
        ("tell me more", ("more", "scrum_master_stress", "scrum_master", "stress")),
        ("any articles on that?", ("articles", "scrum_master_stress", "scrum_master", "stress")),
    ],
    "the job, a degree, then pay": [
        (
            "What does a project manager do?",
            ("faq_answer", "pm_job_description", "project_manager", "job_description"),
        ),
        ("and for a PMO analyst?", ("faq_answer", "pmo_job_description", "pmo", "job_description")),
        (
            "same for scrum masters?",
            ("faq_answer", "scrum_master_job_description", "scrum_master", "job_description"),
        ),
        (
            "do I need a degree for that?",
            ("faq_answer", "scrum_master_degree", "scrum_master", "degree"),
        ),
        (
            "how long does that take?",
            ("faq_answer", "time_to_become_scrum_master", "scrum_master", "time_to_qualify"),
        ),
        (
            "any articles on that?",
            ("articles", "time_to_become_scrum_master", "scrum_master", "time_to_qualify"),
        ),
        ("how much do they earn?", ("faq_answer", "scrum_master_salary", "scrum_master", "salary")),
        (
            "what about programme managers?",
            ("faq_answer", "programme_manager_salary", "programme_manager", "salary"),
        ),
        ("which one pays more?", ("comparison", None, None, "salary")),
        ("why?", ("sources", "programme_manager_salary", "programme_manager", "salary")),
    ],
    "no answer, a new question, start over": [
        (
            "Am I too old to become a project manager?",
            ("faq_answer", "pm_age", "project_manager", "age"),
        ),
        ("and for change managers?", ("no_answer", None, "change_manager", "age")),
        ("what about in the US?", ("no_answer", None, "change_manager", "age")),
        (
            "How much does a Scrum Master earn?",
            ("faq_answer", "scrum_master_salary", "scrum_master", "salary"),
        ),
        ("is it stressful?", ("faq_answer", "scrum_master_stress", "scrum_master", "stress")),
        (
            "what about programme managers?",
            ("faq_answer", "programme_manager_stress", "programme_manager", "stress"),
        ),
        ("tell me more", ("more", "programme_manager_stress", "programme_manager", "stress")),
        ("start over", ("smalltalk", None, None, None)),
        ("is it stressful?", ("faq_answer", "pm_stress", "project_manager", "stress")),
        ("what about PMO?", ("faq_answer", "pmo_stress", "pmo", "stress")),
    ],
    "a follow-up first, a chosen question, then degrees": [
        ("what about PMO?", ("choose_question", None, "pmo", None)),
        ('/faq_pm_salary{"role": "pmo"}', ("faq_answer", "pmo_salary", "pmo", "salary")),
        ("tell me more", ("more", "pmo_salary", "pmo", "salary")),
        ("and scrum masters?", ("faq_answer", "scrum_master_salary", "scrum_master", "salary")),
        ("which of them gets paid more?", ("comparison", None, None, "salary")),
        ("is it stressful?", ("faq_answer", "scrum_master_stress", "scrum_master", "stress")),
        ("why?", ("sources", "scrum_master_stress", "scrum_master", "stress")),
        (
            "do I need a degree for that?",
            ("faq_answer", "scrum_master_degree", "scrum_master", "degree"),
        ),
        (
            "what about programme managers?",
            ("faq_answer", "programme_manager_degree", "programme_manager", "degree"),
        ),
        (
            "how long does it take to become one?",
            (
                "faq_answer",
                "time_to_become_programme_manager",
                "programme_manager",
                "time_to_qualify",
            ),
        ),
    ],
    "certifications, then IT project managers": [
        (
            "Which certifications help a project manager?",
            ("faq_answer", "best_pm_certification", "project_manager", "certification"),
        ),
        (
            "what about scrum masters?",
            ("faq_answer", "scrum_master_certification", "scrum_master", "certification"),
        ),
        (
            "how long does that take?",
            ("faq_answer", "time_to_become_scrum_master", "scrum_master", "time_to_qualify"),
        ),
        ("is it stressful?", ("faq_answer", "scrum_master_stress", "scrum_master", "stress")),
        (
            "what about IT project managers?",
            ("faq_answer", "it_pm_stress", "it_project_manager", "stress"),
        ),
        ("how much do they earn?", ("faq_answer", "it_pm_salary", "it_project_manager", "salary")),
        ("which one pays more?", ("comparison", None, None, "salary")),
        ("tell me more", ("more", "it_pm_salary", "it_project_manager", "salary")),
        ("why?", ("sources", "it_pm_salary", "it_project_manager", "salary")),
        ("thanks", ("smalltalk", None, None, None)),
    ],
}
COMPARED = {  # the roles a comparison names, in order
    "pay then stress across roles": ["programme_manager", "project_manager"],
    "the job, a degree, then pay": ["programme_manager", "scrum_master"],
    "a follow-up first, a chosen question, then degrees": ["scrum_master", "pmo"],
    "certifications, then IT project managers": ["it_project_manager", "scrum_master"],
}


def check_turn(text, got, expected):
    """The reply's marker is about what `expected` says: (type, faq_id, role, topic), None for
    "any"."""
    kind, faq_id, role, topic = expected
    assert got["type"] == kind, (text, got)
    for key, value in (("faq_id", faq_id), ("role", role), ("topic", topic)):
        if value is not None:
            assert got.get(key) == value, (text, key, got)
    if kind == "no_answer":
        # Never another role's answer passed off: what is offered is for the role asked about.
        assert got["role"] == role, (text, got)
