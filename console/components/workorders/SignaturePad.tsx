import { useEffect, useRef } from 'preact/hooks';
import { useT } from '../../i18n';

/** The customer signs with a finger (or a mouse): pointer events on a canvas, given back as a PNG data URL. */
export function SignaturePad({ onChange }: { onChange: (png: string | null) => void }) {
  const { t } = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const inked = useRef(false);

  useEffect(() => {
    const c = canvas.current!;
    const ratio = window.devicePixelRatio || 1;
    c.width = c.clientWidth * ratio;
    c.height = c.clientHeight * ratio;
    const g = c.getContext('2d')!;
    g.scale(ratio, ratio);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    g.lineWidth = 2.5;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.strokeStyle = '#111';
  }, []);

  const point = (e: PointerEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };
  const down = (e: PointerEvent) => {
    e.preventDefault();
    canvas.current!.setPointerCapture(e.pointerId);
    drawing.current = true;
    const g = canvas.current!.getContext('2d')!;
    const [x, y] = point(e);
    g.beginPath();
    g.moveTo(x, y);
  };
  const move = (e: PointerEvent) => {
    if (!drawing.current) return;
    const g = canvas.current!.getContext('2d')!;
    const [x, y] = point(e);
    g.lineTo(x, y);
    g.stroke();
    inked.current = true;
  };
  const up = () => {
    if (!drawing.current) return;
    drawing.current = false;
    if (inked.current) onChange(canvas.current!.toDataURL('image/png'));
  };
  const clear = () => {
    const c = canvas.current!;
    const g = c.getContext('2d')!;
    g.save();
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    g.restore();
    inked.current = false;
    onChange(null);
  };

  return (
    <div class="signature">
      <canvas ref={canvas} data-testid="signature" aria-label={t('wo.report.signHere')} onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up} />
      <button type="button" class="link" onClick={clear}>{t('wo.report.clearSignature')}</button>
    </div>
  );
}
