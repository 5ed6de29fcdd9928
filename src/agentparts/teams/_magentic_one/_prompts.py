"""The orchestrator's prompts (agentparts' own wording; the ledger keys are AutoGen's)."""

from __future__ import annotations

__all__ = [
    "FACTS_PROMPT",
    "FACTS_UPDATE_PROMPT",
    "FINAL_ANSWER_PROMPT",
    "LEDGER_MESSAGE",
    "PLAN_PROMPT",
    "PLAN_UPDATE_PROMPT",
    "PROGRESS_PROMPT",
]

FACTS_PROMPT = """Here is a request:

{task}

Before anyone works on it, write a fact sheet under exactly these headings:

1. FACTS GIVEN IN THE REQUEST
2. FACTS TO LOOK UP (and where they might be found)
3. FACTS TO DERIVE (by reasoning or computation)
4. EDUCATED GUESSES

Do not plan yet; only list facts."""

PLAN_PROMPT = """The team that will work on the request:

{team}

Write a short bullet-point plan for answering the request with this team. Not every member
needs a part."""

LEDGER_MESSAGE = """We are working on this request:

{task}

The team:

{team}

What we know so far:

{facts}

The plan:

{plan}"""

PROGRESS_PROMPT = """Recall the request:

{task}

and the team:

{team}

To decide the next step, answer each of these:

- is_request_satisfied: has the request been fully and finally answered? (true or false)
- is_in_loop: are we repeating the same requests or the same answers? (true or false)
- is_progress_being_made: do the latest messages bring us closer to the answer? (true or false)
- next_speaker: who speaks next? (one of: {names})
- instruction_or_question: what should that speaker do, or answer? (a sentence, addressed to them)

Reply with one JSON object and nothing else, with a reason for every answer:

{{
  "is_request_satisfied": {{"reason": "...", "answer": false}},
  "is_in_loop": {{"reason": "...", "answer": false}},
  "is_progress_being_made": {{"reason": "...", "answer": true}},
  "next_speaker": {{"reason": "...", "answer": "name"}},
  "instruction_or_question": {{"reason": "...", "answer": "..."}}
}}"""

FACTS_UPDATE_PROMPT = """We have not finished this request yet:

{task}

Update the fact sheet below with what the conversation taught us: move guesses that were
confirmed to the facts, drop the ones that were refuted, add new guesses. Keep the headings.

{facts}"""

PLAN_UPDATE_PROMPT = """The last attempt stalled. Say in one or two sentences why, then write a
new short bullet-point plan for this team that avoids the same problem:

{team}"""

FINAL_ANSWER_PROMPT = """We are done working on this request:

{task}

From the conversation above, give the final answer to the request, addressed to the person
who asked it. If it could not be answered, say so and give the best answer available."""
