import { useState, type ReactNode } from 'react';
import type { DocumentNode } from 'graphql';
import { useClient, useQuery } from 'urql';
import { navigate, useLocation } from '../../app/router';
import { formatMoney, useI18n, type Key } from '../../i18n';
import type { CatalogQuery, RepairKind } from '../../gql/graphql';
import { Alert } from '../../ui/Field';
import {
  CatalogDocument,
  CreateCarModelDocument,
  CreateConsumableDocument,
  CreateEngineDocument,
  CreateLaborRateDocument,
  CreateOilDocument,
  CreateReceptionistDocument,
  CreateRepairTypeDocument,
  UpdateCarModelDocument,
  UpdateConsumableDocument,
  UpdateEngineDocument,
  UpdateLaborRateDocument,
  UpdateOilDocument,
  UpdateReceptionistDocument,
  UpdateRepairTypeDocument,
} from './documents';
import { EntityDialog, type FieldSpec, type Save, type Values } from './EntityDialog';

type Row = { id: string } & Record<string, unknown>;

interface Section {
  key: string;
  title: Key;
  noun: Key;
  rows: Row[];
  name: (row: Row) => string;
  columns: [Key, (row: Row) => ReactNode][];
  specs: FieldSpec[];
  initial: (row: Row | null) => Values;
  // Typed documents whose variables are the section's input; the form builds that input.
  create: DocumentNode;
  update: DocumentNode;
}

const KINDS: RepairKind[] = ['MAINTENANCE', 'DIAGNOSTICS', 'OTHER'];

function sections(data: CatalogQuery, t: (key: Key) => string, money: (amount: string) => string): Section[] {
  const yes = (value: unknown) => (value ? t('staff.common.yes') : t('staff.common.no'));
  const oils = data.oils.map((o) => ({ value: o.id, label: `${o.brand} ${o.viscosity}` }));
  const engines = data.engines.map((e) => ({ value: e.id, label: e.code }));
  const models = data.carModels.map((m) => ({ value: m.id, label: m.name }));
  const rates = data.laborRates.map((r) => ({ value: r.id, label: r.name }));
  const parts = data.consumables.map((c) => ({ value: c.id, label: c.name }));
  const modelName = new Map(data.carModels.map((m) => [m.id, m.name]));
  const row = (items: { id: string }[]) => items as unknown as Row[];
  type D = CatalogQuery;
  const lr = (r: Row) => r as unknown as D['laborRates'][number];
  const oil = (r: Row) => r as unknown as D['oils'][number];
  const eng = (r: Row) => r as unknown as D['engines'][number];
  const cm = (r: Row) => r as unknown as D['carModels'][number];
  const con = (r: Row) => r as unknown as D['consumables'][number];
  const rt = (r: Row) => r as unknown as D['repairTypes'][number];
  const rec = (r: Row) => r as unknown as D['receptionists'][number];
  return [
    {
      key: 'labor-rates',
      title: 'staff.catalog.laborRates',
      noun: 'staff.catalog.laborRate',
      rows: row(data.laborRates),
      name: (r) => lr(r).name,
      columns: [
        ['staff.catalog.name', (r) => lr(r).name],
        ['staff.catalog.pricePerHour', (r) => money(lr(r).pricePerHour)],
      ],
      specs: [
        { name: 'name', label: 'staff.catalog.name', kind: 'text' },
        { name: 'pricePerHour', label: 'staff.catalog.pricePerHour', kind: 'decimal' },
      ],
      initial: (r) => (r ? { name: r.name, pricePerHour: r.pricePerHour } : {}),
      create: CreateLaborRateDocument,
      update: UpdateLaborRateDocument,
    },
    {
      key: 'oils',
      title: 'staff.catalog.oils',
      noun: 'staff.catalog.oil',
      rows: row(data.oils),
      name: (r) => `${String(r.brand)} ${String(r.viscosity)}`,
      columns: [
        ['staff.catalog.brand', (r) => oil(r).brand],
        ['staff.catalog.viscosity', (r) => oil(r).viscosity],
        ['staff.catalog.pricePerLitre', (r) => money(oil(r).pricePerLitre)],
      ],
      specs: [
        { name: 'brand', label: 'staff.catalog.brand', kind: 'text' },
        { name: 'viscosity', label: 'staff.catalog.viscosity', kind: 'text', hint: 'staff.catalog.viscosityHint' },
        { name: 'pricePerLitre', label: 'staff.catalog.pricePerLitre', kind: 'decimal' },
      ],
      initial: (r) => (r ? { brand: r.brand, viscosity: r.viscosity, pricePerLitre: r.pricePerLitre } : {}),
      create: CreateOilDocument,
      update: UpdateOilDocument,
    },
    {
      key: 'engines',
      title: 'staff.catalog.engines',
      noun: 'staff.catalog.engine',
      rows: row(data.engines),
      name: (r) => eng(r).code,
      columns: [
        ['staff.catalog.code', (r) => eng(r).code],
        ['staff.catalog.displacement', (r) => eng(r).displacementL],
        ['staff.catalog.oil', (r) => `${eng(r).oil.brand} ${eng(r).oil.viscosity}`],
        ['staff.catalog.oilVolume', (r) => eng(r).oilVolumeL],
      ],
      specs: [
        { name: 'code', label: 'staff.catalog.code', kind: 'text' },
        { name: 'displacementL', label: 'staff.catalog.displacement', kind: 'decimal' },
        { name: 'oilId', label: 'staff.catalog.oil', kind: 'select', choices: oils },
        { name: 'oilVolumeL', label: 'staff.catalog.oilVolume', kind: 'decimal' },
      ],
      initial: (r) => {
        if (!r) return {};
        const e = eng(r);
        return { code: e.code, displacementL: e.displacementL, oilId: e.oil.id, oilVolumeL: e.oilVolumeL };
      },
      create: CreateEngineDocument,
      update: UpdateEngineDocument,
    },
    {
      key: 'car-models',
      title: 'staff.catalog.carModels',
      noun: 'staff.catalog.carModel',
      rows: row(data.carModels),
      name: (r) => cm(r).name,
      columns: [
        ['staff.catalog.picture', (r) => <img src={cm(r).imageUrl} alt="" className="thumb" />],
        ['staff.catalog.name', (r) => cm(r).name],
        ['staff.catalog.coefficient', (r) => cm(r).priceCoefficient],
        ['staff.catalog.engine', (r) => cm(r).engine.code],
        ['staff.catalog.active', (r) => yes(r.active)],
      ],
      specs: [
        { name: 'name', label: 'staff.catalog.name', kind: 'text', hint: 'staff.catalog.modelNameHint' },
        { name: 'imageUrl', label: 'staff.catalog.imageUrl', kind: 'image', hint: 'staff.catalog.imageUrlHint' },
        { name: 'priceCoefficient', label: 'staff.catalog.coefficient', kind: 'decimal' },
        { name: 'engineId', label: 'staff.catalog.engine', kind: 'select', choices: engines },
        { name: 'active', label: 'staff.catalog.active', kind: 'checkbox' },
      ],
      initial: (r) => {
        if (!r) return { active: true };
        const m = cm(r);
        return { name: m.name, imageUrl: m.imageUrl, priceCoefficient: m.priceCoefficient, engineId: m.engine.id, active: m.active };
      },
      create: CreateCarModelDocument,
      update: UpdateCarModelDocument,
    },
    {
      key: 'consumables',
      title: 'staff.catalog.consumables',
      noun: 'staff.catalog.consumable',
      rows: row(data.consumables),
      name: (r) => con(r).name,
      columns: [
        ['staff.catalog.name', (r) => con(r).name],
        ['staff.catalog.price', (r) => money(con(r).price)],
        ['staff.catalog.fits', (r) => con(r).carModels.map((m) => m.name).join(', ') || '—'],
        ['staff.catalog.active', (r) => yes(r.active)],
      ],
      specs: [
        { name: 'name', label: 'staff.catalog.name', kind: 'text' },
        { name: 'price', label: 'staff.catalog.price', kind: 'decimal' },
        { name: 'carModelIds', label: 'staff.catalog.fits', kind: 'multi', choices: models },
        { name: 'active', label: 'staff.catalog.active', kind: 'checkbox' },
      ],
      initial: (r) => {
        if (!r) return { active: true, carModelIds: [] };
        const c = con(r);
        return { name: c.name, price: c.price, carModelIds: c.carModels.map((m) => m.id), active: c.active };
      },
      create: CreateConsumableDocument,
      update: UpdateConsumableDocument,
    },
    {
      key: 'repair-types',
      title: 'staff.catalog.repairTypes',
      noun: 'staff.catalog.repairType',
      rows: row(data.repairTypes),
      name: (r) => rt(r).name,
      columns: [
        ['staff.catalog.name', (r) => rt(r).name],
        ['staff.catalog.model', (r) => modelName.get(rt(r).carModelId ?? '') ?? t('staff.catalog.everyModel')],
        ['staff.catalog.laborHours', (r) => `${rt(r).laborHours} × ${rt(r).laborRate.name}`],
        ['staff.catalog.parts', (r) => rt(r).parts.map((p) => `${p.name} × ${p.quantity}`).join(', ') || '—'],
        ['staff.catalog.oilChange', (r) => yes(r.includesOilChange)],
        ['staff.catalog.active', (r) => yes(r.active)],
      ],
      specs: [
        { name: 'name', label: 'staff.catalog.name', kind: 'text' },
        { name: 'kind', label: 'staff.catalog.kind', kind: 'select', choices: KINDS.map((k) => ({ value: k, label: t(`staff.catalog.kind.${k}`) })) },
        { name: 'carModelId', label: 'staff.catalog.model', kind: 'select', choices: models, optional: true, none: 'staff.catalog.everyModel' },
        { name: 'laborHours', label: 'staff.catalog.laborHours', kind: 'decimal' },
        { name: 'laborRateId', label: 'staff.catalog.laborRateField', kind: 'select', choices: rates },
        { name: 'parts', label: 'staff.catalog.parts', kind: 'parts', choices: parts },
        { name: 'includesOilChange', label: 'staff.catalog.oilChange', kind: 'checkbox' },
        { name: 'active', label: 'staff.catalog.active', kind: 'checkbox' },
      ],
      initial: (r) => {
        if (!r) return { active: true, kind: 'MAINTENANCE', parts: [] };
        const x = rt(r);
        return {
          name: x.name,
          kind: x.kind,
          carModelId: x.carModelId ?? '',
          laborHours: x.laborHours,
          laborRateId: x.laborRate.id,
          parts: x.parts.map((p) => ({ consumableId: p.consumableId, quantity: p.quantity })),
          includesOilChange: x.includesOilChange,
          active: x.active,
        };
      },
      create: CreateRepairTypeDocument,
      update: UpdateRepairTypeDocument,
    },
    {
      key: 'receptionists',
      title: 'staff.catalog.receptionists',
      noun: 'staff.catalog.receptionist',
      rows: row(data.receptionists),
      name: (r) => rec(r).fullName,
      columns: [
        ['staff.catalog.fullName', (r) => rec(r).fullName],
        ['staff.catalog.active', (r) => yes(r.active)],
      ],
      specs: [
        { name: 'lastName', label: 'field.lastName', kind: 'text' },
        { name: 'firstName', label: 'field.firstName', kind: 'text' },
        { name: 'patronymic', label: 'field.patronymic', kind: 'text', optional: true },
        { name: 'active', label: 'staff.catalog.active', kind: 'checkbox' },
      ],
      initial: (r) => {
        if (!r) return { active: true };
        const x = rec(r);
        return { lastName: x.lastName, firstName: x.firstName, patronymic: x.patronymic ?? '', active: x.active };
      },
      create: CreateReceptionistDocument,
      update: UpdateReceptionistDocument,
    },
  ];
}

/** The catalog (the brief's admin panel): one section at a time, list, create, edit. */
export default function CatalogPage() {
  const { t, locale } = useI18n();
  const client = useClient();
  const { query } = useLocation();
  const [{ data }, reread] = useQuery({ query: CatalogDocument });
  const [editing, setEditing] = useState<{ section: Section; row: Row | null } | null>(null);
  const [notice, setNotice] = useState('');
  if (!data) return <p aria-busy="true">{t('common.loading')}</p>;
  const all = sections(data, t, (amount) => formatMoney(amount, locale));
  const current = all.find((s) => s.key === query.get('section')) ?? all[0];
  if (!current) return null;

  const save =
    (section: Section, row: Row | null): Save =>
    async (input) => {
      const result = row
        ? await client.mutation(section.update, { id: row.id, input }).toPromise()
        : await client.mutation(section.create, { input }).toPromise();
      return result.error;
    };
  const quickToggle = async (row: Row) => {
    const r = row as unknown as CatalogQuery['receptionists'][number];
    const result = await client
      .mutation(UpdateReceptionistDocument, { id: r.id, input: { lastName: r.lastName, firstName: r.firstName, patronymic: r.patronymic ?? null, active: !r.active } })
      .toPromise();
    if (!result.error) setNotice(t(r.active ? 'staff.catalog.deactivated' : 'staff.catalog.activated', { name: r.fullName }));
  };

  return (
    <section>
      <h1>{t('staff.catalog.title')}</h1>
      <nav aria-label={t('staff.catalog.sections')} className="tabs">
        <ul>
          {all.map((s) => (
            <li key={s.key}>
              <a
                href={`/staff/catalog?section=${s.key}`}
                aria-current={s === current ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  setNotice('');
                  navigate(`/staff/catalog?section=${s.key}`);
                }}
              >
                {t(s.title)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h2>{t(current.title)}</h2>
      {notice && <Alert tone="success">{notice}</Alert>}
      <p>
        <button type="button" onClick={() => setEditing({ section: current, row: null })}>
          {t('staff.catalog.add', { what: t(current.noun) })}
        </button>
      </p>
      <div className="table-wrap" role="region" aria-label={t(current.title)} tabIndex={0}>
        <table className="grid-table">
          <thead>
            <tr>
              {current.columns.map(([header]) => (
                <th key={header} scope="col">
                  {t(header)}
                </th>
              ))}
              <th scope="col">
                <span className="sr-only">{t('staff.common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {current.rows.map((row) => (
              <tr key={row.id}>
                {current.columns.map(([header, cell]) => (
                  <td key={header}>{cell(row)}</td>
                ))}
                <td className="row-actions">
                  <button type="button" className="button--secondary" aria-label={t('staff.catalog.editNamed', { name: current.name(row) })} onClick={() => setEditing({ section: current, row })}>
                    {t('staff.catalog.edit')}
                  </button>
                  {current.key === 'receptionists' && (
                    <button type="button" className="button--secondary" onClick={() => void quickToggle(row)}>
                      {t(row.active ? 'staff.catalog.deactivate' : 'staff.catalog.activate', { name: current.name(row) })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing && (
        <EntityDialog
          title={editing.row ? t('staff.catalog.editTitle', { name: editing.section.name(editing.row) }) : t('staff.catalog.add', { what: t(editing.section.noun) })}
          specs={editing.section.specs}
          initial={editing.section.initial(editing.row)}
          onSave={save(editing.section, editing.row)}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setNotice(t('staff.catalog.saved'));
            setEditing(null);
            reread({ requestPolicy: 'network-only' });
          }}
        />
      )}
    </section>
  );
}
