"""The Rasa server's side of Pathfinder, apart from what Rasa loads by module path (components/ from
config.yml, stores/ from the endpoints, channels/ from the credentials):

  __main__      `python -m rasa_server run ...`: installs the patches, then runs Rasa's command line
  patches       every change made to Rasa's own code, listed, checked against the pinned Rasa
  action_guard  a bounded wait for the action server, and an apology when a call fails
  action_calls  pooled connections, the current turn only, the response schema checked once
"""
