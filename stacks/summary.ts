/** A stack that contributes to the one-line synth summary (read by the synth runtime, synth/synth.ts). */
export interface ISummarized {
  summary(): string[];
}
