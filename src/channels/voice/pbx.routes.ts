import { Router } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { UnauthorizedError, ValidationError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import { teamKey } from '../../http/schema-types';
import { sameSecret } from '../../infra/secrets';
import type { AgentModel } from '../../modules/agents/agent.model';
import { bearerToken, type AuthService } from '../../modules/auth/auth.service';
import type { TicketService } from '../../modules/tickets/ticket.service';
import type { CallService } from './call.service';
import { ROLE_SETS } from '../../core/types';

export const pbxEventBody = z.strictObject({
  event: z.enum(['call.ringing', 'call.answered', 'call.ended', 'call.missed', 'voicemail']),
  callId: z.string().min(1).max(128),
  from: z.string().min(1).max(64),
  to: z.string().max(64).default(''),
  /** the agent who took the call: an agent id or e-mail address */
  agent: z.string().min(1).max(200).optional(),
  durationSec: z.number().int().min(0).max(24 * 3600).optional(),
  recordingUrl: z.url().max(1000).optional(),
  /** the team the PBX's own IVR picked; else the hotline's default */
  team: teamKey.optional(),
});

const pbxEventResult = z.object({ callId: z.string(), status: z.string(), ticketNumber: z.number().nullable(), callbackId: z.string().nullable() });

export interface PbxRouteDeps {
  auth: Pick<AuthService, 'authenticate'>;
  /** PBX_API_TOKEN */
  pbxApiToken?: string;
  Agent: AgentModel;
  tickets: Pick<TicketService, 'byId'>;
  calls: CallService;
}

/** Any PBX feeds the same pipeline as Twilio: a static PBX_API_TOKEN, or an admin's bearer token. */
export function pbxRoutes(api: ApiRegistry, d: PbxRouteDeps): Router {
  const { calls } = d;
  const r = Router();
  api.route(
    r,
    {
      method: 'post',
      path: '/api/voice/events',
      tag: 'voice',
      summary: 'A call event from any PBX (Authorization: Bearer PBX_API_TOKEN or an admin token)',
      auth: 'public',
      security: ['bearer'],
      body: pbxEventBody,
      status: 202,
      response: pbxEventResult,
    },
    async ({ body, req }) => {
      const token = bearerToken(req.headers.authorization);
      if (!token) throw new UnauthorizedError('Send Authorization: Bearer <PBX_API_TOKEN or an admin token>');
      if (!(d.pbxApiToken && sameSecret(token, d.pbxApiToken))) {
        const principal = await d.auth.authenticate(token);
        principal.require(ROLE_SETS.admins);
      }
      const ref = { callId: body.callId, source: 'pbx' as const, from: body.from, to: body.to || null, team: body.team ?? null };
      let call;
      switch (body.event) {
        case 'call.ringing':
          call = (await calls.ringing(ref)).call;
          break;
        case 'call.answered':
          call = await calls.answered(ref, await agentId(d.Agent, body.agent));
          break;
        case 'call.ended':
          call = await calls.ended(ref, body.durationSec ?? null);
          break;
        case 'call.missed':
          call = await calls.missed(ref, 'missed');
          break;
        case 'voicemail':
          if (!body.recordingUrl) throw new ValidationError('A voicemail event needs recordingUrl');
          call = await calls.voicemail(ref, body.recordingUrl, body.durationSec ?? null);
          break;
      }
      const ticket = call.ticketId ? await d.tickets.byId(call.ticketId as Types.ObjectId) : null;
      const cb = await calls.callbackOf(call.callId);
      return { callId: call.callId, status: call.status, ticketNumber: ticket?.number ?? null, callbackId: cb ? String(cb._id) : null };
    },
  );
  return r;
}

async function agentId(Agent: AgentModel, agent: string | undefined): Promise<string | null> {
  if (!agent) return null;
  const found = Types.ObjectId.isValid(agent) ? await Agent.findById(agent, { _id: 1 }).lean() : await Agent.findOne({ email: agent.trim().toLowerCase() }, { _id: 1 }).lean();
  if (!found) throw new ValidationError(`No agent ${agent}`);
  return String(found._id);
}
