"""The interface language: which one is used, and Qt's translators for it.

The language comes from, first to last: the ``RNNVIZ_LANG`` environment variable (tests,
screenshots), the choice in *View → Language* (kept in the settings), the system locale. rnnviz's
own strings are translated by ``resources/i18n/rnnviz_<language>.qm`` (built from the ``.ts``
source by ``tools/update_translations.sh``); Qt's standard dialogs and buttons by Qt's own
``qtbase_<language>.qm`` where PySide6 ships it. English needs no translator: it is the source.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from rnnviz import resources_dir
from rnnviz.errors import ConfigError, Message, Parts

ENV_VARIABLE = "RNNVIZ_LANG"
SYSTEM = "system"
ENGLISH = "en"
CHINESE = "zh_CN"
#: The interface languages, as Qt locale names (English is the source language).
LANGUAGES = (ENGLISH, CHINESE)
#: The settings' choices: the system's language, or one of LANGUAGES.
CHOICES = (SYSTEM, *LANGUAGES)
#: The context of strings defined outside a QObject (tables of display names, plot titles):
#: marked with QT_TRANSLATE_NOOP("Names", ...) and shown through :func:`names`.
NAMES_CONTEXT = "Names"
#: The context of the presets' titles and descriptions (data files; tools/update_translations.py
#: collects them).
PRESETS_CONTEXT = "Presets"
#: The context of the messages of rnnviz's errors and of the memory budget (rnnviz.errors.Message
#: templates in core, lm and app; tools/update_translations.py collects them).
MESSAGES_CONTEXT = "ConfigError"

_installed: list[QTranslator] = []
_current = ENGLISH


def translations_dir() -> Path:
    return resources_dir() / "i18n"


def supported(language: str | None) -> str | None:
    """The interface language for a locale name (``zh_CN``, ``zh-Hans``, ``zh``, ``en_GB`` ...), or
    None if rnnviz has no interface in it."""
    if not language:
        return None
    language = language.replace("-", "_")
    if language == "C" or language.startswith("en"):
        return ENGLISH
    if language.startswith("zh"):
        # Simplified Chinese only: Traditional-script locales are not served by it.
        return None if language.startswith(("zh_TW", "zh_HK", "zh_MO", "zh_Hant")) else CHINESE
    return None


def resolve_language(choice: str = SYSTEM, environment: dict | None = None,
                     system_locale: str | None = None) -> str:
    """The interface language for a settings ``choice``: ``RNNVIZ_LANG`` first, then the choice,
    then (for ``system``) the system locale; English where none of them names a language rnnviz has."""
    environment = os.environ if environment is None else environment
    override = supported(environment.get(ENV_VARIABLE, ""))
    if override is not None:
        return override
    if choice in LANGUAGES:
        return choice
    locale = QLocale.system().name() if system_locale is None else system_locale
    return supported(locale) or ENGLISH


def current_language() -> str:
    """The language installed by the last :func:`install_language` (English before any)."""
    return _current


def install_language(language: str, app: QCoreApplication | None = None) -> list[str]:
    """Make ``language`` the interface language of the running application: remove the translators
    installed before, install rnnviz's and Qt's for ``language`` and make it Qt's default locale (the
    teaching texts follow it; for English, the system locale unless that is a Chinese one). Returns the translation files loaded. Strings already shown keep
    their text: windows made afterwards are in the new language (View → Language rebuilds the
    window: :mod:`rnnviz.app.language_switch`)."""
    global _current
    app = app if app is not None else QCoreApplication.instance()
    language = supported(language) or ENGLISH
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    loaded: list[str] = []
    if language != ENGLISH:
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in ((f"qtbase_{language}", qt_folder), (f"rnnviz_{language}", str(translations_dir()))):
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                _installed.append(translator)
                loaded.append(str(Path(folder) / f"{name}.qm"))
    system = QLocale.system()
    if language == ENGLISH and supported(system.name()) != CHINESE:
        # English text with the system's own number formats (a German user keeps "0,5")
        QLocale.setDefault(system)
    else:
        QLocale.setDefault(QLocale(language))
    _current = language
    return loaded


#: Chinese characters, and what the translations always set apart from them with a space: Latin and
#: Greek letters, digits (also sub- and superscript ones), norm bars ("随 k 的变化", "第 1 层").
IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff"
SPACED_APART = "A-Za-z0-9\u0370-\u03ff\u2070-\u209f‖"
_UNSPACED = re.compile(f"(?<=[{IDEOGRAPH}])(?=[{SPACED_APART}])|(?<=[{SPACED_APART}])(?=[{IDEOGRAPH}])")


def spaced(text: str) -> str:
    """``text`` with a space wherever a Chinese character touches a Latin or Greek letter or a digit:
    a translation composed of names puts them side by side ("随谱半径 ρ的变化" where the sweep's
    title read a parameter's name ending in ρ). English text is returned as it is."""
    return _UNSPACED.sub(" ", text)


def names(text: str) -> str:
    """The display form of a name defined with ``QT_TRANSLATE_NOOP("Names", text)``."""
    return QCoreApplication.translate(NAMES_CONTEXT, text)


def preset_text(text: str) -> str:
    """A preset's title or description in the interface language."""
    return QCoreApplication.translate(PRESETS_CONTEXT, text)


def translated(value) -> str:
    """``value`` as text in the interface language: a :class:`rnnviz.errors.Message` (or an error
    carrying one) by its template's translation filled with its values, themselves translated where
    they are messages too; anything else as ``str(value)``. A template without a translation, or
    whose translation does not fit its values, gives the English text."""
    message = value.message if isinstance(value, ConfigError) else value
    if not isinstance(message, Message):
        return str(value)
    text = QCoreApplication.translate(MESSAGES_CONTEXT, message.template)
    if not message.params:
        return text   # a template without values is the text itself (braces and all)
    values = {name: _translated_value(item) for name, item in message.params.items()}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return str(message)


def _translated_value(value):
    if isinstance(value, Parts):
        return QCoreApplication.translate(MESSAGES_CONTEXT, ", ").join(translated(part) for part in value)
    return translated(value) if isinstance(value, (Message, ConfigError)) else value
