import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/** The `StackInstance` provider: mints the id on create; nothing remote to read, change or delete. */
export const stackInstanceProvider: Required<Omit<pulumi.dynamic.ResourceProvider, "configure">> = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff() {
    return { changes: false };
  },
  async create() {
    const instance = randomUUID();
    return { id: instance, outs: { instance } };
  },
  async read(id, props) {
    return { id, props: { ...props, instance: id } };
  },
  async update(_id, olds) {
    return { outs: olds };
  },
  async delete() {},
};
