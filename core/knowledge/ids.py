"""Knowledge-base ids the code relies on. The loader checks that each exists, so renaming one in the
knowledge base fails at load time with the reason, not later in a conversation."""

# Roles (roles.yml)
PROJECT_MANAGER = "project_manager"  # the role a question is about when it names none

# Locations (locations.yml)
UK = "uk"  # where our answers apply: the "UK answer" button

# Topics (topics/<id>.yml)
CERTIFICATION = "certification"  # what a "what about PMP?" follow-up is about
CAREER_CHOICE = "career_choice"  # "which is better for my career?" between two roles
# The answers that set out how two roles differ, in the order they are offered.
ROLE_COMPARISON_TOPICS = ("role_difference", CAREER_CHOICE, "career_path")

ROLES = (PROJECT_MANAGER,)
LOCATIONS = (UK,)
TOPICS = (CERTIFICATION, *ROLE_COMPARISON_TOPICS)
