// What a source other than a picked file hands the source step: a file for the pipeline, and how
// to read it (its source name for the sync, a header row or separator when known).
import type { InspectOptions } from "../../pipeline/protocol.ts";

export type SourceOptions = Omit<InspectOptions, "limits">;

export type OnSource = (file: File, options: SourceOptions) => void;
