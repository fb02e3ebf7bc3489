import { describe, expect, test } from "vitest";
import { checkProviderConfig, providerConfig, unwrapSecret } from "../../provider/plugin/config.js";
import { parseUrn } from "../../provider/plugin/server.js";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

describe("a plugin provider's configuration", () => {
  test("check keeps the stack instance the provider's state holds, and keeps the API key secret", () => {
    const { inputs, failures } = checkProviderConfig(
      "payi",
      { instance: "i-1" },
      { apiKey: "k", baseUrl: "http://localhost:8787" },
    );
    expect(failures).toEqual([]);
    expect(inputs).toEqual({ apiKey: { ...SECRET, value: "k" }, baseUrl: "http://localhost:8787", instance: "i-1" });
    expect(unwrapSecret(inputs["apiKey"])).toBe("k");
  });

  test("a provider without a state gets a new instance each time; one with an env key keeps no key", () => {
    const first = checkProviderConfig("payi", {}, {}).inputs;
    const second = checkProviderConfig("payi", {}, {}).inputs;
    expect(first["instance"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(second["instance"]).not.toBe(first["instance"]);
    expect(first).not.toHaveProperty("apiKey");
  });

  test("a base URL that is not http(s) and an empty key fail check, naming the key", () => {
    const { failures } = checkProviderConfig("limitry", {}, { baseUrl: "localhost:8787", apiKey: "" });
    expect(failures).toEqual([
      {
        property: "baseUrl",
        reason: 'limitry:baseUrl must be an http(s) URL (e.g. http://localhost:8787/v1), got "localhost:8787"',
      },
      { property: "apiKey", reason: "limitry:apiKey must be a non-empty string" },
    ]);
  });

  test("configure reads the stack's config variables first, then the explicit provider's inputs", () => {
    const variables = new Map([["payi:config:baseUrl", "http://a"]]);
    const config = providerConfig("payi", variables, { apiKey: { ...SECRET, value: "k" }, baseUrl: "http://b", instance: "i-2" });
    expect(config.get("payi:baseUrl")).toBe("http://a");
    expect(config.get("payi:apiKey")).toBe("k");
    expect(config.get("limitry:apiKey")).toBeUndefined();
    expect(config.instance).toBe("i-2");
  });
});

test("a URN's stack, project, type and name (a name may hold ::, a type its parent's)", () => {
  expect(parseUrn("urn:pulumi:dev::budgets::payi:index:Limit::daily-cap")).toEqual({
    stack: "dev",
    project: "budgets",
    type: "payi:index:Limit",
    name: "daily-cap",
  });
  expect(parseUrn("urn:pulumi:dev::budgets::my:Component$payi:index:Limit::a::b").type).toBe("payi:index:Limit");
  expect(parseUrn("urn:pulumi:dev::budgets::my:Component$payi:index:Limit::a::b").name).toBe("a::b");
});
