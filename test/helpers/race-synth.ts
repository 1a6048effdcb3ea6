/**
 * Test helper process: synthesizes a one-stack app into <outdir> <rounds> times with synthesizeAtomically, so
 * several of these racing on one outdir prove the swap is safe. Usage: race-synth.ts <outdir> <rounds> <marker>
 */
import { TerraformOutput, TerraformStack } from "../../modules/core/cdktf";
import { synthesizeAtomically } from "../../synth/synth";

const [outdir, rounds, marker] = process.argv.slice(2);
for (let i = 0; i < Number(rounds); i++) {
  synthesizeAtomically(outdir, (app) => {
    const stack = new TerraformStack(app, "race");
    new TerraformOutput(stack, "writer", { value: `${marker}-${i}` });
  });
}
