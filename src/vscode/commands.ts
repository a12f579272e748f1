import * as vscode from 'vscode';
import type { CommandArguments } from './commandArguments';
import { COMMAND_IDS, type CommandId } from './commandIds';

/**
 * A command's handler. Arguments arrive as `unknown` on purpose: a view title passes the focused
 * row, a context menu the clicked row and the selection, the palette nothing, another feature or a
 * test plain data. Each handler checks what it got (a node of the kind it expects, a typed argument
 * object, or nothing) before acting, through the explorer's target resolver or `isNode`.
 * `CommandArguments` (commandArguments.ts) says what each command accepts.
 */
export type CommandHandler = (...args: unknown[]) => unknown;

/** A feature's part of the command table: exactly the ids it names, each with its handler. */
export type Commands<Id extends CommandId> = { readonly [K in Id]: CommandHandler };

/** Registers the whole table in one loop; a missing handler is a compile error. */
export function registerCommands(context: vscode.ExtensionContext, table: Commands<CommandId>): void {
  for (const id of COMMAND_IDS) context.subscriptions.push(vscode.commands.registerCommand(id, table[id]));
}

/** Runs one of this extension's commands by its typed id, with the arguments it accepts (a follow-up action, a retry). */
export function runCommand<Id extends CommandId>(id: Id, ...args: CommandArguments[Id]): Thenable<unknown> {
  return vscode.commands.executeCommand(id, ...args);
}
