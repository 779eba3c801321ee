"""mkdocs-macros adapter: registers the engine's page macros and nothing else.

The engine writes every page finished (macros expanded, glossary marked, footer added), so the
plugin renders no page by default (`render_by_default: false` in mkdocs.yml) and no handbook logic
runs in a plugin event. A page that opts in with `render_macros: true` gets the same macros, bound
to its own depth, from the build that is running (passed in the config as extra.handbook_build).
"""

from __future__ import annotations

from ..render import Output

BUILD_KEY = "handbook_build"


def define_env(env) -> None:
    build = env.conf["extra"].get(BUILD_KEY)
    if build is None:  # plain `mkdocs build` on the staged pages: they need nothing from here
        return
    for name in build.macros(Output.for_site(build.handbook)):
        env.macro(_bound(env, build, name), name)


def _bound(env, build, name: str):
    def macro(*args, **kwargs):
        out = Output.for_site(build.handbook, env.page.file.src_uri.count("/"))
        return build.macros(out)[name](*args, **kwargs)

    return macro
