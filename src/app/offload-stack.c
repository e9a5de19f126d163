/* offload-stack.c: a stack's page changed without losing the keyboard focus
 *
 * Copyright 2026 The Offload developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "offload-stack.h"

/* Start pressed with Space turns into Cancel, and a second Space must
 * cancel. But GTK drops the focus of a widget that is hidden or made
 * insensitive back to the window, and the next Tab starts over from the
 * top. So a page asks where the focus is before it changes its buttons,
 * and gives it to the button that takes the place of the focused one. */

/**
 * offload_focus_is_in:
 * @widget: a widget
 *
 * Returns: whether the keyboard focus is on @widget or inside it
 */
gboolean
offload_focus_is_in (GtkWidget *widget)
{
  GtkRoot *root;
  GtkWidget *focus;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  root = gtk_widget_get_root (widget);
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/**
 * offload_stack_show:
 * @stack: a stack of buttons in one place (Start, then Cancel)
 * @name: the page to show
 * @with_focus: whether the focus goes to it: what offload_focus_is_in()
 *   said of the stack before the page's buttons changed
 *
 * Shows @name, with the focus if asked (and if it can take it).
 */
void
offload_stack_show (GtkStack   *stack,
                    const char *name,
                    gboolean    with_focus)
{
  GtkWidget *before;

  g_return_if_fail (GTK_IS_STACK (stack));
  g_return_if_fail (name != NULL);

  before = gtk_stack_get_visible_child (stack);
  gtk_stack_set_visible_child_name (stack, name);
  if (with_focus && gtk_stack_get_visible_child (stack) != before)
    gtk_widget_grab_focus (gtk_stack_get_visible_child (stack));
}
