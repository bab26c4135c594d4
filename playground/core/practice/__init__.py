"""Practice: challenges (JSON files in challenges/) whose checks grade what a learner built and
trained, hints, solutions and the learner's progress. No Qt here."""
