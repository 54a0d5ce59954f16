/**
 * Scoped to the shadow root: the host page's CSS cannot reach in, ours cannot leak out. The page's
 * rules for the host element (say \`div { font-family: serif; line-height: 3 }\`) beat \`:host\`, and
 * inherited properties would flow in through it: so the look is set on \`.frame\`, an element inside
 * the shadow root that no page rule can select, and every property that inherits is reset there.
 */
export const css = `
:host { all: initial !important; display: block !important; position: fixed !important; right: 20px !important; bottom: 20px !important; z-index: 2147483000 !important; width: auto !important; height: auto !important; margin: 0 !important; padding: 0 !important; }
.frame { all: initial; display: block; font-family: -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif; font-size: 14px; font-weight: 400; font-style: normal; line-height: 1.45; letter-spacing: normal; word-spacing: normal; text-align: left; text-transform: none; text-indent: 0; text-shadow: none; white-space: normal; color: #1f2937; direction: ltr; visibility: visible; cursor: auto; }
* { box-sizing: border-box; font: inherit; line-height: inherit; letter-spacing: inherit; }
button { cursor: pointer; border: 0; border-radius: 6px; padding: 8px 12px; background: #2563eb; color: #fff; }
button.link { background: none; color: #2563eb; padding: 4px; }
.fab { border-radius: 24px; padding: 12px 18px; box-shadow: 0 4px 14px rgba(0,0,0,.2); }
.panel { width: min(340px, calc(100vw - 24px)); height: 480px; max-height: calc(100vh - 40px); display: flex; flex-direction: column; background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; }
.head { background: #2563eb; color: #fff; padding: 10px 12px; display: flex; align-items: center; gap: 8px; }
.head .title { flex: 1; font-weight: 600; }
.head button { background: rgba(255,255,255,.2); padding: 4px 8px; min-width: 32px; min-height: 32px; }
.head button.lang { font-size: 12px; }
.composer button.photo { background: #e5e7eb; padding: 4px 8px; font-size: 18px; line-height: 1; }
.photo-thumb { display: block; max-width: 100%; max-height: 180px; border-radius: 6px; margin-top: 4px; }
.file { display: block; font-size: 12px; margin-top: 4px; }
.status { padding: 6px 12px; background: #eff6ff; color: #1e3a8a; font-size: 12px; min-height: 0; }
.status:empty { display: none; }
.body { flex: 1; overflow-y: auto; padding: 10px 12px; display: flex; flex-direction: column; gap: 6px; }
.msg { max-width: 85%; padding: 6px 10px; border-radius: 10px; white-space: pre-wrap; word-wrap: break-word; }
.msg .who { font-size: 11px; opacity: .7; display: block; }
.msg.customer { align-self: flex-end; background: #2563eb; color: #fff; }
.msg.agent, .msg.system { align-self: flex-start; background: #f3f4f6; }
.msg.pending { opacity: .6; }
.msg.failed { outline: 1px solid #dc2626; cursor: pointer; }
.note { align-self: center; font-size: 12px; color: #6b7280; text-align: center; }
.typing { padding: 0 12px 4px; font-size: 12px; color: #6b7280; min-height: 18px; }
form { display: flex; flex-direction: column; gap: 8px; }
input, textarea { border: 1px solid #d1d5db; border-radius: 6px; padding: 7px 8px; width: 100%; color: #111827; background: #fff; }
textarea { resize: none; }
.composer { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #e5e7eb; flex-direction: row; }
.composer textarea { height: 40px; }
.stars { display: flex; gap: 4px; }
.stars button { background: #e5e7eb; color: #111827; padding: 6px 10px; }
.stars button.on { background: #f59e0b; color: #fff; }
label.check { display: flex; gap: 6px; align-items: center; }
label.check input { width: auto; }
.suggest { border-top: 1px solid #e5e7eb; padding: 8px 12px; max-height: 45%; overflow-y: auto; background: #f9fafb; }
.suggest-title { margin: 0 0 6px; font-size: 12px; color: #374151; }
.suggest ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.suggest li { display: flex; flex-direction: column; gap: 2px; }
.suggest a { color: #1d4ed8; font-weight: 600; }
.suggest .snippet { font-size: 12px; color: #4b5563; }
.suggest button.answered { align-self: flex-start; padding: 4px 8px; font-size: 12px; background: #059669; }
[hidden] { display: none !important; }
`;
