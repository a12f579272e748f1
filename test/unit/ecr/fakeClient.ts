import type { ECRClient } from '@aws-sdk/client-ecr';

/**
 * An ECRClient whose send() answers from `answer` (by command name, input and 1-based call number)
 * and records each
 * call: for unit tests of functions over ECR operations moto does not implement, with response
 * shapes from the API reference. An Error answer is thrown, as the SDK throws service errors.
 */
export function fakeClient(answer: (name: string, input: Record<string, unknown>, call: number) => unknown) {
  const calls: Array<{ name: string; input: Record<string, unknown> }> = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      calls.push({ name: command.constructor.name, input: command.input });
      const result = answer(command.constructor.name, command.input, calls.length);
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as ECRClient;
  return { client, calls };
}
