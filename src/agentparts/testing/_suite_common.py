"""Checks every conformance suite shares: saving, loading and bad configs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from .._component import ComponentLoader, is_component_instance
from .._component_model import ComponentModel
from ..errors import ComponentConfigError, ComponentTypeError

__all__ = [
    "check_bad_config_is_refused",
    "check_round_trip",
    "check_secrets_not_dumped",
    "check_wrong_type_is_refused",
]

_INVALID_VALUE: dict[str, Any] = {"conformance": ["not", "a", "valid", "value"]}


def _require_component(component: object) -> None:
    if not is_component_instance(component):
        pytest.skip(f"{type(component).__name__} is not a component: nothing to save or load")


def check_round_trip(component: Any, expected: type[Any], allowed_providers: Sequence[str]) -> Any:
    """Dump ``component``, load it back through JSON, and check both dumps are equal."""
    _require_component(component)
    model: ComponentModel = component.dump_component(include_secrets=True)
    assert model.component_type, "dump_component() wrote no component_type"
    text = model.model_dump_json()
    assert json.loads(text)["provider"] == model.provider
    loaded = ComponentLoader.load_component(
        json.loads(text), expected, allowed_providers=list(allowed_providers)
    )
    assert type(loaded) is type(component), (
        f"loading the dump of a {type(component).__name__} gave a {type(loaded).__name__}"
    )
    again: ComponentModel = loaded.dump_component(include_secrets=True)
    assert again == model, (
        "dump -> load -> dump changed the config:\n"
        f"first:  {model.model_dump_json()}\nsecond: {again.model_dump_json()}"
    )
    return loaded


def check_secrets_not_dumped(component: Any, secret_values: Sequence[str]) -> None:
    """Check that a default dump contains none of ``secret_values`` in plain text."""
    _require_component(component)
    if not secret_values:
        pytest.skip("no secret_values given: set the class attribute to check them")
    text = component.dump_component().model_dump_json()
    leaked = [value for value in secret_values if value and value in text]
    assert not leaked, (
        f"dump_component() wrote {len(leaked)} secret(s) in plain text; declare them as "
        "pydantic SecretStr fields in the config so they are masked"
    )


def check_bad_config_is_refused(component: Any, allowed_providers: Sequence[str]) -> None:
    """Check that a config with an invalid field value fails with a message naming it."""
    _require_component(component)
    model: ComponentModel = component.dump_component(include_secrets=True)
    component_class: type[Any] = component.__class__
    schema: type[BaseModel] = component_class.component_config_schema
    for key in model.config:
        candidate = {**model.config, key: _INVALID_VALUE}
        try:
            schema.model_validate(candidate)
        except ValidationError:
            break
    else:
        pytest.skip("every config field accepts any value: nothing to refuse")
    bad = model.model_copy(update={"config": candidate})
    with pytest.raises(ComponentConfigError) as caught:
        ComponentLoader.load_component(bad, allowed_providers=list(allowed_providers))
    assert key in str(caught.value), (
        f"the error does not name the bad field {key!r}: {caught.value}"
    )


def check_wrong_type_is_refused(
    component: Any, wrong: type[Any], allowed_providers: Sequence[str]
) -> None:
    """Check that loading the component where a ``wrong`` type is expected is refused."""
    _require_component(component)
    model: ComponentModel = component.dump_component(include_secrets=True)
    with pytest.raises(ComponentTypeError) as caught:
        ComponentLoader.load_component(model, wrong, allowed_providers=list(allowed_providers))
    assert wrong.__name__ in str(caught.value)
