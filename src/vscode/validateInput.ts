import { errorMessage } from '../core/errors';

/**
 * An input box's `validateInput` from a core parser that throws on bad input: the parser's own
 * message while the text is wrong, nothing once it parses (so the box and the parser agree).
 */
export function problemFrom(parse: (text: string) => unknown): (text: string) => string | undefined {
  return (text) => {
    try {
      parse(text);
      return undefined;
    } catch (error) {
      return errorMessage(error);
    }
  };
}
