// Starts the Pathfinder chat widget (rasa-webchat 1.0.1) on this page.
// window.PATHFINDER_CHAT comes from /config.js, which scripts/web_server.py writes from RASA_PORT.
WebChat.default(
  {
    socketUrl: window.PATHFINDER_CHAT.socketUrl,
    socketPath: "/socket.io/",
    initPayload: "/greet",
    title: "Pathfinder",
    subtitle: "Careers in project management",
    inputTextFieldHint: "Ask about a project management career...",
    // Keep the conversation (and the session id the Rasa server continues it under) across reloads.
    params: { storage: "local" },
    // The widget's default pause before each message is up to 3 s; a short one still reads naturally.
    customMessageDelay: () => 300,
    mainColor: "#1d4e89",
    userBackgroundColor: "#1d4e89",
    userTextColor: "#ffffff",
  },
  null
);
