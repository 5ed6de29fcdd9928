"""How tests/porting/data/autogenstudio_default_gallery.json was made (not a test).

AutoGen Studio (``autogenstudio`` on PyPI, latest 0.4.2.2) ships no gallery file: it builds
its default gallery in code (``autogenstudio.gallery.builder.create_default_gallery``) and
stores that in its database on first start. The file is that gallery, built with AutoGen
0.7.5, unedited:

    uv venv /tmp/studio && VIRTUAL_ENV=/tmp/studio uv pip install --no-deps autogenstudio==0.4.2.2
    uv venv /tmp/gallery && VIRTUAL_ENV=/tmp/gallery uv pip install autogen-core==0.7.5 \
        autogen-agentchat==0.7.5 "autogen-ext[openai,anthropic,web-surfer]==0.7.5" \
        sqlmodel html2text httpx beautifulsoup4
    OPENAI_API_KEY=sk-unused /tmp/gallery/bin/python make_autogenstudio_gallery.py \
        /tmp/studio/lib/python3.11/site-packages autogenstudio_default_gallery.json

Only the gallery builder is imported (the package's ``__init__`` starts its web app's
imports). The key comes from the environment, so no key is saved; the Azure model's
``api_key`` is AutoGen's mask ``**********`` because the builder gives that model a literal key.
"""

import sys
import types
from pathlib import Path


def main(site_packages: str, out: Path) -> None:
    package = types.ModuleType("autogenstudio")
    package.__path__ = [str(Path(site_packages) / "autogenstudio")]
    sys.modules["autogenstudio"] = package
    from autogenstudio.gallery.builder import create_default_gallery  # type: ignore

    out.write_text(create_default_gallery().model_dump_json(indent=2) + "\n")  # type: ignore


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
