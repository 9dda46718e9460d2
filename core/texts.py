"""What the assistant says in its own words, in one place: fixed sentences, and templates whose
{placeholders} the replies fill in. (Answers come from the knowledge base; greetings and other
small talk are Rasa responses in domain/pathfinder.yml.)"""

# ---------------------------------------------------------------- answers and questions back
CLARIFY = "I'm not sure which of these you mean. Did you mean:"
SOMETHING_ELSE = "Something else"
FALLBACK = (
    "Sorry, I didn't understand that. Could you put it another way? I can help with questions "
    "about "
    "careers in project management, such as how to get started, which qualifications to take, or "
    "what "
    "project managers earn."
)
NOTHING_YET = (
    "Ask me a question first, then I can tell you more about it. For example: "
    '"How do I become a project manager with no experience?"'
)
RELATED_ARTICLES = "Related articles:"
ALSO_ASKED = "You also asked:"
UK_ONLY_NOTE = "My answers are written for the UK, so check a local source if you're elsewhere."
COVERED_LOCATION_NOTE = "My answers are written for {location}, so this one applies there:"
NEAR_ANSWER_NOTE = (
    'I don\'t have an answer on {topic} for {plural}, so here is the closest one I have: "{title}"'
)

NO_ANSWER = "Sorry, I don't have an answer about {topic} for {plural} yet."
NO_ANSWER_OFFER = "Here's what I can tell you about {plural}:"
LOCATION_NOT_COVERED = (
    "I only have UK information, so I can't tell you about {topic} for {plural} in {location}. "
    "Pay, demand and routes in differ between countries, so check a local source there."
)
UK_ANSWER_BUTTON = "{title} (UK answer)"
OTHER_ROLE = (
    "Sorry, I only cover careers in project management and the roles around it ({roles}), so I "
    "can't "
    "answer for {plural}. If you're a {label} thinking of moving into project management, ask me "
    "about that."
)
LOCATION_COVERED = (
    "My answers are written for {location}. What would you like to know about a career in project "
    "management?"
)
LOCATION_ONLY = (
    "My answers are written for the UK, so I can't answer for {location}. "
    "Ask me anyway and I'll tell you what applies in the UK."
)
CHOOSE_QUESTION = "What would you like to know about {plural}?"
WHICH_ROLE = "Which role do you mean? I can answer questions about these:"
MORE_ON_CERTIFICATIONS = "More on choosing a certification:"

# ---------------------------------------------------------------- comparisons, more, sources
COMPARING = (
    "Comparing {topic}:\n{lines}\n"
    "It varies by employer, sector and region, so treat this as a guide."
)
NO_FIGURE = "I don't have a figure for this yet."
FULL_ANSWERS = "The full answers:"
COMPARE_OVERALL = (
    "Neither role is better for everyone: it depends on what you enjoy, your experience so far "
    "and where you want to end up. These answers set out the differences:"
)
COMPARE_WHICH_ROLES = (
    "Which two roles would you like me to compare?{named} "
    'For example: "Which pays more, a PMO analyst or a Scrum Master?"'
)
COMPARE_WITH_WHICH = " {plural} with which other role?"
MORE = 'These articles go further into "{title}":'
YOU_MIGHT_ASK = "You might also ask:"
ARTICLES = 'Articles on "{title}":\n{lines}'
SOURCES = (
    'My answer to "{title}" is based on: {cited}. '
    "Figures like pay and demand change every year, so check the source for the latest."
)

# ---------------------------------------------------------------- when something fails (Rasa
# server)
UNAVAILABLE = "Sorry, I can't look that up right now. Please try again in a moment."
# The tracker store or the lock store was unreachable (a PostgreSQL or Redis restart): the message
# was not kept, so the user should send it again.
NOT_TAKEN = "Sorry, I couldn't take that in just now. Please send it again in a moment."
UNREADABLE = "Sorry, I couldn't read that message. Please send it as plain text."
TOO_LONG = "Sorry, that message is too long for me. Please keep it under {limit:,} characters."
