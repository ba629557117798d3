// Activation names as transformers' ACT2FN spells them, and which formula each one is.
export const ACTIVATIONS = ['gelu', 'gelu_new', 'gelu_fast', 'gelu_pytorch_tanh', 'relu', 'silu', 'swish', 'tanh'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export function isActivation(s: string): s is ActivationName {
  return (ACTIVATIONS as readonly string[]).includes(s);
}
