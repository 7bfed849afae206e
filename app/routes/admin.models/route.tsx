import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import {
  createModel,
  listModels,
  MODEL_LIST_FIELDS,
  modelInput,
  setModelEnabled,
  updateModel,
} from "~/.server/generation/catalog";
import { intentAction, routeHeaders } from "~/.server/http";
import { ModelsPage } from "./models-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Models · Admin · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "people:manage");
  return {
    models: await listModels(context.db, admin),
    configured: context.generation.configured ?? [context.generation.provider],
  };
}

const HERE = "/admin/models";
const idField = z.object({ id: z.string().min(1).max(100) });
/** A model's own refusals show on its row; the add form's on the add form. */
const onModel = (fields: Record<string, unknown>) => ({
  id: typeof fields.id === "string" ? fields.id : "",
});

export const action = intentAction("people:manage", (intent) => ({
  create: intent({
    input: modelInput,
    lists: MODEL_LIST_FIELDS,
    at: () => ({ form: "create" }),
    run: (input, { db, actor }) => createModel(db, actor, input),
    then: (model, { flash }) => flash(HERE, `Added ${model.displayName}. It is on.`),
  }),
  update: intent({
    input: modelInput.extend(idField.shape),
    lists: MODEL_LIST_FIELDS,
    at: onModel,
    run: ({ id, ...input }, { db, actor }) => updateModel(db, actor, id, input),
    then: (model, { flash }) => flash(HERE, `Saved ${model.displayName}.`),
  }),
  enable: intent({
    input: idField,
    at: onModel,
    run: ({ id }, { db, actor }) => setModelEnabled(db, actor, id, true),
    then: (model, { flash }) =>
      flash(HERE, `${model.displayName} is on: artists it is open to can pick it.`),
  }),
  disable: intent({
    input: idField,
    at: onModel,
    run: ({ id }, { db, actor }) => setModelEnabled(db, actor, id, false),
    then: (model, { flash }) =>
      flash(
        HERE,
        `${model.displayName} is off: no one can pick it. Jobs already queued on it still run.`,
      ),
  }),
}));

export default ModelsPage;
