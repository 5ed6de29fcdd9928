"""``agentparts.utils.content_to_str`` and ``remove_images`` (AutoGen's
``autogen_agentchat.utils``): the same text as AutoGen's functions, checked against AutoGen
0.7.5 itself when its venv is built."""

from __future__ import annotations

import json
import subprocess
import textwrap

from pydantic import BaseModel

from agentparts import FunctionCall, Image
from agentparts.models import (
    AssistantMessage,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from agentparts.utils import content_to_str, remove_images

from .._autogen import AUTOGEN_PYTHON, needs_autogen

# A 1x1 PNG.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


class Weather(BaseModel):
    city: str
    degrees: float


def sample_contents() -> list[object]:
    image = Image.from_base64(PNG)
    return [
        "plain text",
        "",
        ["Look at this:", image, "and this", image],
        [FunctionCall(id="c1", arguments='{"x": 1}', name="add")],
        [
            FunctionExecutionResult(content="3", name="add", call_id="c1", is_error=False),
            FunctionExecutionResult(content="boom", name="div", call_id="c2", is_error=True),
        ],
        [],
        Weather(city="Paris", degrees=21.5),
    ]


AUTOGEN_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pydantic import BaseModel
    from autogen_core import FunctionCall, Image
    from autogen_core.models import FunctionExecutionResult, SystemMessage, UserMessage
    from autogen_agentchat.utils import content_to_str, remove_images

    class Weather(BaseModel):
        city: str
        degrees: float

    image = Image.from_base64(sys.argv[1])
    contents = [
        "plain text",
        "",
        ["Look at this:", image, "and this", image],
        [FunctionCall(id="c1", arguments='{"x": 1}', name="add")],
        [
            FunctionExecutionResult(content="3", name="add", call_id="c1", is_error=False),
            FunctionExecutionResult(content="boom", name="div", call_id="c2", is_error=True),
        ],
        [],
        Weather(city="Paris", degrees=21.5),
    ]
    messages = [
        SystemMessage(content="sys"),
        UserMessage(content=["a", image], source="alice"),
        UserMessage(content="text", source="bob"),
    ]
    print(json.dumps({
        "texts": [content_to_str(c) for c in contents],
        "removed": [m.model_dump(mode="json") for m in remove_images(messages)],
    }))
    """
)


def test_content_to_str_writes_each_kind_of_content() -> None:
    texts = [content_to_str(c) for c in sample_contents()]  # type: ignore[arg-type]
    assert texts[0] == "plain text"
    assert texts[1] == ""
    assert texts[2] == "Look at this:\n<image>\nand this\n<image>"
    assert texts[3] == "FunctionCall(id='c1', arguments='{\"x\": 1}', name='add')"
    assert texts[4].splitlines() == [
        "content='3' name='add' call_id='c1' is_error=False",
        "content='boom' name='div' call_id='c2' is_error=True",
    ]
    assert texts[5] == ""
    assert json.loads(texts[6]) == {"city": "Paris", "degrees": 21.5}


def test_remove_images_flattens_only_user_messages_with_parts() -> None:
    image = Image.from_base64(PNG)
    system = SystemMessage(content="sys")
    text_only = UserMessage(content="text", source="bob")
    calls = AssistantMessage(content=[FunctionCall(id="c1", arguments="{}", name="f")], source="a")
    results = FunctionExecutionResultMessage(
        content=[FunctionExecutionResult(content="ok", name="f", call_id="c1")]
    )
    with_image = UserMessage(content=["a", image, "b"], source="alice")
    messages: list[LLMMessage] = [system, with_image, text_only, calls, results]
    out = remove_images(messages)
    assert out[1] == UserMessage(content="a\n<image>\nb", source="alice")
    # Everything else is the same object; the input list is left as it was.
    assert [out[i] is messages[i] for i in (0, 2, 3, 4)] == [True] * 4
    assert messages[1] is with_image and with_image.content == ["a", image, "b"]
    assert remove_images([]) == []


@needs_autogen
def test_same_text_as_autogen() -> None:
    done = subprocess.run(
        [str(AUTOGEN_PYTHON), "-c", AUTOGEN_SCRIPT, PNG],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    autogen = json.loads(done.stdout.strip().splitlines()[-1])
    assert [content_to_str(c) for c in sample_contents()] == autogen["texts"]  # type: ignore[arg-type]
    image = Image.from_base64(PNG)
    ours = remove_images(
        [
            SystemMessage(content="sys"),
            UserMessage(content=["a", image], source="alice"),
            UserMessage(content="text", source="bob"),
        ]
    )
    assert [m.model_dump(mode="json") for m in ours] == autogen["removed"]
