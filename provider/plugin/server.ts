/**
 * A provider plugin: the kinds of one package (`payi` or `limitry`) served on Pulumi's resource-provider gRPC
 * protocol (`pulumirpc.ResourceProvider`, the service and messages `@pulumi/pulumi` ships), so that programs in
 * every Pulumi language, and `pulumi import`, can use them. Each method hands the request to the same provider
 * methods the dynamic provider runs (../methods.ts): this file only translates the protocol, and supplies what
 * a dynamic resource's constructor supplies there, the resource's identity (see {@link identityOf}).
 *
 * `@pulumi/pulumi/provider` would do less than this needs: its server drops Configure's values (no provider
 * config, so no explicit provider instances) and fails an import's Read (no properties).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb.js";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb.js";
import * as pluginPb from "@pulumi/pulumi/proto/plugin_pb.js";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb.js";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb.js";
import * as emptyPb from "google-protobuf/google/protobuf/empty_pb.js";
import * as structPb from "google-protobuf/google/protobuf/struct_pb.js";
import { same } from "../diff.js";
import { setWarningSink } from "../engine-log.js";
import { type Clients, kindMethods, type Methods } from "../methods.js";
import { STATE_VERSION_KEY } from "../state-upgrade.js";
import { type ProviderKind, pluginToken } from "../type-token.js";
import { checkProviderConfig, type ProviderConfig, providerConfig, unwrapSecret } from "./config.js";

/** What a plugin serves: one package's kinds, the clients they use and the schema that describes them. */
export interface PluginPackage {
  /** The package name: `payi` or `limitry` (config keys `<name>:apiKey`, tokens `<name>:index:<Type>`). */
  readonly name: string;
  readonly version: string;
  /** The package schema (schema/<name>.json), served by GetSchema. */
  readonly schema: string;
  readonly kinds: readonly ProviderKind[];
  /** Kinds that record their owner whole (`owner`) rather than as `idSeed` and `instance`. */
  readonly ownerKinds: readonly ProviderKind[];
  /** The clients for a configured provider, and the check of its key and URL (one cheap call). */
  connect(config: ProviderConfig): { clients: Clients; verified: Promise<void> };
}

/**
 * Inputs the provider adds and the engine never shows as the user's: the identity (see {@link identityOf}),
 * the record of the create that took the object, the state version.
 */
const HIDDEN = new Set(["idSeed", "instance", "owner", "generation", STATE_VERSION_KEY]);

/** The organization of an identity when no state says otherwise: a plugin is not told the stack's organization. */
const DEFAULT_ORGANIZATION = "organization";

/** A provider instance, once configured: its stack instance id (see {@link checkProviderConfig}) and methods. */
interface Configured {
  readonly instance: string;
  readonly methods: Map<ProviderKind, Methods>;
}

/** The URN of the resource whose call is running, for warnings (the engine shows them beside the resource). */
const currentUrn = new AsyncLocalStorage<string>();

/** Starts the plugin's gRPC server on a free loopback port and prints the port, as the engine expects. */
export async function serve(pkg: PluginPackage, engineAddress: string | undefined): Promise<void> {
  if (engineAddress) connectWarnings(engineAddress);
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  // Methods it does not implement (Invoke, Construct, Parameterize...) answer UNIMPLEMENTED.
  server.addService(providerRpc.ResourceProviderService, handlers(pkg) as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  process.stdout.write(`${port}\n`);
}

/** Warnings go to the engine's log, naming the resource whose call gave them. */
function connectWarnings(engineAddress: string): void {
  const engine = new engineRpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
  setWarningSink(
    (message) =>
      new Promise((resolve) => {
        const request = new enginePb.LogRequest();
        request.setSeverity(enginePb.LogSeverity.WARNING);
        request.setMessage(message);
        request.setUrn(currentUrn.getStore() ?? "");
        // A warning that cannot be delivered must not fail the operation that gave it.
        engine.log(request, (error) => {
          if (error) process.stderr.write(`warning: ${message}\n`);
          resolve();
        });
      }),
  );
}

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** One unary handler: runs `body` with the call's URN current, and answers its error as the engine shows it. */
function unary<Req, Res>(urnOf: (request: Req) => string, body: (request: Req) => Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    currentUrn.run(urnOf(call.request), () =>
      body(call.request).then(
        (response) => callback(null, response),
        (error: unknown) =>
          callback({ code: grpc.status.UNKNOWN, details: error instanceof Error ? error.message : String(error) }),
      ),
    );
  };
}

const noUrn = () => "";

function handlers(pkg: PluginPackage): Partial<providerRpc.IResourceProviderServer> {
  let configured: Configured | undefined;
  const provider = (): Configured => {
    if (!configured) throw new Error(`the ${pkg.name} provider was called before it was configured`);
    return configured;
  };
  const kindOf = (type: string | undefined, urn: string): ProviderKind => {
    const token = type || parseUrn(urn).type;
    const kind = pkg.kinds.find((k) => pluginToken(k) === token);
    if (!kind) throw new Error(`the ${pkg.name} provider has no resource type '${token}'`);
    return kind;
  };
  const methodsOf = (type: string | undefined, urn: string) => {
    const kind = kindOf(type, urn);
    const methods = provider().methods.get(kind);
    if (!methods) throw new Error(`no methods for ${kind}`);
    return { kind, methods };
  };

  return {
    getPluginInfo: unary(noUrn, async () => new pluginPb.PluginInfo().setVersion(pkg.version)),
    getSchema: unary(noUrn, async () => new providerPb.GetSchemaResponse().setSchema(pkg.schema)),
    getMapping: unary(noUrn, async () => new providerPb.GetMappingResponse().setProvider("").setData("")),
    getMappings: unary(noUrn, async () => new providerPb.GetMappingsResponse().setProvidersList([])),
    cancel: unary(noUrn, async () => new emptyPb.Empty()),
    attach: unary(noUrn, async () => new emptyPb.Empty()),

    checkConfig: unary(
      (r) => r.getUrn(),
      async (request) => {
        const { inputs, failures } = checkProviderConfig(pkg.name, fromStruct(request.getOlds()), fromStruct(request.getNews()));
        return checkResponse(inputs, failures);
      },
    ),

    diffConfig: unary(
      (r) => r.getUrn(),
      async (request) => {
        // A provider is never replaced: replacing it would replace every resource it manages. A new key or
        // URL is an update of the provider's inputs; the stack instance it holds stays.
        const olds = fromStruct(request.getOldInputs() ?? request.getOlds());
        const news = fromStruct(request.getNews());
        const diffs = ["apiKey", "baseUrl"].filter((key) => !same(unwrapSecret(olds[key]), unwrapSecret(news[key])));
        return new providerPb.DiffResponse()
          .setChanges(
            diffs.length > 0 ? providerPb.DiffResponse.DiffChanges.DIFF_SOME : providerPb.DiffResponse.DiffChanges.DIFF_NONE,
          )
          .setDiffsList(diffs);
      },
    ),

    configure: unary(noUrn, async (request) => {
      const config = providerConfig(pkg.name, request.getVariablesMap(), fromStruct(request.getArgs()));
      const { clients, verified } = pkg.connect(config);
      await verified;
      const methods = new Map(pkg.kinds.map((kind) => [kind, kindMethods(kind, clients)] as const));
      configured = { instance: config.instance ?? randomUUID(), methods };
      // Secrets arrive unwrapped and the engine marks as secret what it sent as one; previews do not create.
      return new providerPb.ConfigureResponse().setAcceptsecrets(false).setSupportspreview(false).setAcceptresources(false);
    }),

    check: unary(
      (r) => r.getUrn(),
      async (request) => {
        const urn = request.getUrn();
        const { kind, methods } = methodsOf(request.getType(), urn);
        const olds = fromStruct(request.getOlds());
        const news = { ...fromStruct(request.getNews()), ...identityOf(pkg, kind, urn, olds, provider().instance) };
        const result = await methods.check(olds, news);
        return checkResponse(result.inputs ?? news, result.failures ?? []);
      },
    ),

    diff: unary(
      (r) => r.getUrn(),
      async (request) => {
        const { methods } = methodsOf(request.getType(), request.getUrn());
        const olds = fromStruct(request.getOlds());
        const news = fromStruct(request.getNews());
        const result = await methods.diff(request.getId(), olds, news);
        const response = new providerPb.DiffResponse();
        if (!result.changes) return response.setChanges(providerPb.DiffResponse.DiffChanges.DIFF_NONE);
        const oldInputs = request.hasOldInputs() ? fromStruct(request.getOldInputs()) : olds;
        const keys = new Set([...Object.keys(news), ...Object.keys(oldInputs)].filter((key) => !HIDDEN.has(key)));
        const changed = [...keys].filter((key) => !same(oldInputs[key], news[key]));
        const replaces = result.replaces ?? [];
        return response
          .setChanges(providerPb.DiffResponse.DiffChanges.DIFF_SOME)
          .setDiffsList([...new Set([...changed, ...replaces])])
          .setReplacesList(replaces)
          .setStablesList(result.stables ?? [])
          .setDeletebeforereplace(result.deleteBeforeReplace ?? false);
      },
    ),

    create: unary(
      (r) => r.getUrn(),
      async (request) => {
        const { methods } = methodsOf(request.getType(), request.getUrn());
        const { id, outs } = await methods.create(fromStruct(request.getProperties()));
        return new providerPb.CreateResponse().setId(id).setProperties(toStruct(outs ?? {}));
      },
    ),

    read: unary(
      (r) => r.getUrn(),
      async (request) => {
        const urn = request.getUrn();
        const { kind, methods } = methodsOf(request.getType(), urn);
        const props = fromStruct(request.getProperties());
        // `pulumi import` (and the import option) reads with no state: the object is read for the resource the
        // URN names, with the identity a create of it would have had, and its owner record decides whether it
        // may be imported at all (see each kind's read).
        const state = Object.keys(props).length === 0 ? identityOf(pkg, kind, urn, {}, provider().instance) : props;
        const result = await methods.read(request.getId(), state);
        const response = new providerPb.ReadResponse();
        // No id: the object is gone, and the engine drops the resource from the state.
        if (!result.id) return response;
        return response
          .setId(result.id)
          .setProperties(toStruct(result.props ?? {}))
          .setInputs(toStruct(result.inputs ?? fromStruct(request.getInputs())));
      },
    ),

    update: unary(
      (r) => r.getUrn(),
      async (request) => {
        const { methods } = methodsOf(request.getType(), request.getUrn());
        const { outs } = await methods.update(request.getId(), fromStruct(request.getOlds()), fromStruct(request.getNews()));
        return new providerPb.UpdateResponse().setProperties(toStruct(outs ?? {}));
      },
    ),

    delete: unary(
      (r) => r.getUrn(),
      async (request) => {
        const { methods } = methodsOf(request.getType(), request.getUrn());
        await methods.delete(request.getId(), fromStruct(request.getProperties()));
        return new emptyPb.Empty();
      },
    ),
  };
}

/**
 * What a dynamic resource's constructor adds to its inputs, from what a plugin is told: the id seed
 * (`organization/project/stack/resource`) and the stack instance, or the whole owner for the use-case kinds
 * (see ../ownership.ts). The project, stack and name come from the URN; the instance is the one the resource's
 * state holds, else its provider's (minted once, kept in the provider's state). The organization is not in the
 * URN: the one a state's seed holds (a resource moved from the dynamic provider keeps its own), else
 * `organization`, the name every self-managed backend gives it.
 */
function identityOf(
  pkg: PluginPackage,
  kind: ProviderKind,
  urn: string,
  olds: Record<string, unknown>,
  providerInstance: string,
): Record<string, unknown> {
  const { project, stack, name } = parseUrn(urn);
  const owner = isRecord(olds["owner"]) ? olds["owner"] : undefined;
  const seed = typeof olds["idSeed"] === "string" ? olds["idSeed"] : typeof owner?.["stack"] === "string" ? owner["stack"] : "";
  const organization = seed.split("/")[0] || DEFAULT_ORGANIZATION;
  const held = typeof olds["instance"] === "string" ? olds["instance"] : owner?.["instance"];
  const instance = typeof held === "string" && held !== "" ? held : providerInstance;
  if (pkg.ownerKinds.includes(kind)) return { owner: { stack: `${organization}/${project}/${stack}`, instance, resource: name } };
  return { idSeed: `${organization}/${project}/${stack}/${name}`, instance };
}

/** The parts of `urn:pulumi:<stack>::<project>::<type>::<name>` (a name may itself hold `::`). */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } {
  const [head = "", project = "", qualifiedType = "", ...name] = urn.split("::");
  const type = qualifiedType.split("$").at(-1) ?? "";
  return { stack: head.replace(/^urn:pulumi:/, ""), project, type, name: name.join("::") };
}

function checkResponse(inputs: Record<string, unknown>, failures: readonly { property: string; reason: string }[]) {
  const response = new providerPb.CheckResponse().setInputs(toStruct(inputs));
  response.setFailuresList(failures.map((f) => new providerPb.CheckFailure().setProperty(f.property).setReason(f.reason)));
  return response;
}

/** A property map as JavaScript values (empty when absent). */
function fromStruct(struct: structPb.Struct | undefined): Record<string, unknown> {
  return (struct?.toJavaScript() as Record<string, unknown> | undefined) ?? {};
}

/** Values as a Struct carries them: JSON's (no undefined). */
function toStruct(values: Record<string, unknown>): structPb.Struct {
  return structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(values)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
