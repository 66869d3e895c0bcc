"""``register_all_modules``: make every rszoo and mmpretrain component findable."""
import warnings

from mmengine.registry import DefaultScope

from .compat import apply_stack_fixes


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register rszoo's and mmpretrain's modules and set the ``rszoo`` scope.

    Imports mmpretrain's packages (stack breakage B8) and rszoo's, applies the
    stack fixes of :mod:`rszoo.utils.compat`, and, with ``init_default_scope``,
    makes ``rszoo`` the default scope so configs find rszoo's components first
    and mmpretrain's through the parent registries.
    """
    apply_stack_fixes()
    import rszoo.fileio  # noqa: F401  (the 'atomic_local' checkpoint backend)
    import rszoo.datasets  # noqa: F401
    import rszoo.engine  # noqa: F401
    import rszoo.evaluation  # noqa: F401
    import rszoo.models  # noqa: F401

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('rszoo', scope_name='rszoo')
    elif current.scope_name != 'rszoo':
        warnings.warn(f'The current default scope "{current.scope_name}" is '
                      'not "rszoo"; register_all_modules switches it to "rszoo".')
        DefaultScope.get_instance(
            f'rszoo-{id(current)}', scope_name='rszoo')
