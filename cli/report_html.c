/* SPDX-License-Identifier: MIT */
/*
 * The fleet report: one self-contained HTML page (inline CSS and JS, nothing
 * fetched) with the migration matrix as a heatmap, the bit-level reason of
 * every cell (a click, or a #cell=ROW,COL fragment, 1-based, opens it), the
 * baseline and the pools.  The data is embedded as one JSON object; the
 * script only draws it.
 */
#include <stdlib.h>
#include <string.h>
#include "fleet.h"
#include "nvmx/qemu_migrate.h"
#include "print.h"

/* A JSON string safe inside <script>: <, > and & escaped too. */
static void js_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Text inside HTML elements: <, > and & escaped. */
static void html_text(FILE *out, const char *s)
{
	for (; *s; s++)
		if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '&')
			fputs("&amp;", out);
		else
			fputc(*s, out);
}

/* ---- reasons, deduplicated by their JSON text ---------------------------------- */

struct reasons {
	char **text;
	size_t n, cap;
	size_t *table;		/* open addressing: index + 1 */
	size_t tcap;
};

static uint64_t str_hash(const char *s)
{
	return nvmx_fleet_hash_bytes(0x7265, s, strlen(s));
}

static size_t reason_id(struct reasons *r, char *json)
{
	if ((r->n + 1) * 2 > r->tcap) {
		size_t cap = r->tcap ? r->tcap * 2 : 256;
		size_t *t = calloc(cap, sizeof(*t));
		if (!t)
			exit(EXIT_USAGE);
		for (size_t i = 0; i < r->n; i++)
			for (size_t s = str_hash(r->text[i]) & (cap - 1);; s = (s + 1) & (cap - 1))
				if (!t[s]) {
					t[s] = i + 1;
					break;
				}
		free(r->table);
		r->table = t;
		r->tcap = cap;
	}
	size_t s = str_hash(json) & (r->tcap - 1);
	for (; r->table[s]; s = (s + 1) & (r->tcap - 1))
		if (!strcmp(r->text[r->table[s] - 1], json)) {
			free(json);
			return r->table[s] - 1;
		}
	if (r->n >= r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->text = realloc(r->text, r->cap * sizeof(*r->text));
		if (!r->text)
			exit(EXIT_USAGE);
	}
	r->text[r->n] = json;
	r->table[s] = ++r->n;
	return r->n - 1;
}

/* One rejected write: {"msr":..,"rule":..,"text":..,"bits":[[bit,half,sdm,linux,qemu],...]} */
static char *write_json(const struct nvmx_write *w)
{
	char *buf = NULL, why[1024];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		exit(EXIT_USAGE);
	const struct nvmx_msr_desc *d = nvmx_msr_desc(w->id);
	bool ctl = d->layout == NVMX_LAYOUT_CONTROLS;
	nvmx_result_describe(&w->r, why, sizeof(why));
	fprintf(m, "{\"msr\":");
	js_str(m, d->sdm);
	fprintf(m, ",\"index\":\"0x%x\",\"value\":\"0x%016llx\",\"rule\":", d->index,
		(unsigned long long)w->value);
	js_str(m, nvmx_reason_name(w->r.reason));
	fprintf(m, ",\"text\":");
	js_str(m, why);
	fprintf(m, ",\"bits\":[");
	bool first = true;
	for (unsigned b = 0; b < 64; b++) {
		if (!((w->r.bits >> b) & 1))
			continue;
		const struct nvmx_field *f = nvmx_field_at(w->id, b);
		fprintf(m, "%s[%u,\"%s\",", first ? "" : ",", ctl ? b % 32 : b,
			ctl ? (b >= 32 ? "allowed-1" : "allowed-0") : "field");
		js_str(m, f && f->sdm ? f->sdm : "reserved");
		fputc(',', m);
		js_str(m, f && f->linux_name ? f->linux_name : "");
		fputc(',', m);
		js_str(m, f && f->qemu ? f->qemu : "");
		fputc(']', m);
		first = false;
	}
	fprintf(m, "]}");
	fclose(m);
	return buf;
}

/* Loss lines of a member against a baseline, as a JSON array of strings. */
static void loss_json(FILE *out, const struct nvmx_msrs *offer, const struct nvmx_msrs *b)
{
	struct nvmx_fleet_loss l;
	char *buf = NULL;
	size_t len = 0;
	nvmx_fleet_loss(offer, b, &l);
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		exit(EXIT_USAGE);
	fleet_print_loss(m, &l, "");
	fclose(m);
	fprintf(out, "%u,[", l.features);
	bool first = true;
	for (char *s = buf, *nl; s && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl)
			nl = s + strlen(s) - 1;
		else
			*nl = 0;
		fputs(first ? "" : ",", out);
		js_str(out, s);
		first = false;
	}
	fputc(']', out);
	free(buf);
}

static void msrs_json(FILE *out, const struct nvmx_msrs *m)
{
	bool first = true;
	fputc('[', out);
	for (int id = 0; id < NVMX_MSR_COUNT; id++)
		if (nvmx_msrs_has(m, (enum nvmx_msr_id)id)) {
			fprintf(out, "%s[\"%s\",\"0x%016llx\"]", first ? "" : ",",
				nvmx_msr_desc((enum nvmx_msr_id)id)->sdm, (unsigned long long)m->val[id]);
			first = false;
		}
	fputc(']', out);
}

static void member_json(FILE *out, const struct fleet *f, unsigned i, const struct nvmx_msrs *b)
{
	char desc[256];
	fleet_profile_desc(&f->inv.prof[i], desc, sizeof(desc));
	fputc('[', out);
	js_str(out, f->inv.prof[i].name);
	fputc(',', out);
	js_str(out, desc);
	fprintf(out, ",%llu,", f->inv.prof[i].count);
	loss_json(out, &f->fh[i].offer, b);
	fputc(']', out);
}

static const char css[] =
	"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1a1a1a;background:#fafafa}"
	"header{background:#263238;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}"
	"header p{margin:4px 0 0;color:#cfd8dc}main{padding:16px 24px}"
	"section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin-bottom:16px}"
	"h2{font-size:16px;margin:0 0 8px}.legend span{display:inline-block;margin-right:14px}"
	".sw{display:inline-block;width:12px;height:12px;vertical-align:middle;margin-right:4px;border:1px solid #999}"
	".Y{background:#2e7d32}.k,.c{background:#f9a825}.n{background:#c62828}.x{background:#bdbdbd}"
	"#wrap{display:flex;gap:16px;align-items:flex-start}"
	"#heat{overflow:auto;max-width:62vw;max-height:78vh;border:1px solid #eee;position:sticky;top:8px}"
	"table.hm{border-collapse:collapse;font-size:11px}"
	"table.hm td.cell{width:var(--cs);height:var(--cs);min-width:var(--cs);padding:0;border:1px solid #fff;cursor:pointer}"
	"table.hm td.cell:hover{outline:2px solid #000}table.hm td.sel{outline:3px solid #1565c0}"
	"table.hm td.d{box-shadow:inset 0 0 0 2px rgba(255,255,255,.55)}"
	"table.hm th{font-weight:normal;color:#555;padding:0 4px;white-space:nowrap;text-align:right;"
	"max-width:340px;overflow:hidden;text-overflow:ellipsis}"
	"table.hm th .dsc{color:#999}"
	"table.hm thead th{text-align:center;padding:0;font-size:9px;width:var(--cs)}"
	"#reason{flex:1;min-width:320px;overflow-x:auto}#reason .v{font-weight:bold}"
	".ok{color:#2e7d32}.bad{color:#c62828}.rv{color:#b26a00}"
	"table.bits{border-collapse:collapse;margin:4px 0 10px;font-size:12px}"
	"table.bits td,table.bits th{border:1px solid #ddd;padding:2px 6px;text-align:left}"
	"code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}"
	"details{margin:2px 0}summary{cursor:pointer}ul.loss{margin:2px 0 6px 18px;padding:0}"
	"table.msrs td{padding:1px 10px 1px 0}.muted{color:#777}";

/* The script's parts: the head, then cls/word (the cell letters' colours and words), the heatmap. */
static const char script_head[] =
	"(function(){\n"
	"var D=JSON.parse(document.getElementById('data').textContent);\n"
	"function el(t,a,s){var e=document.createElement(t);if(a)for(var k in a)e.setAttribute(k,a[k]);"
	"if(s!==undefined)e.textContent=s;return e;}\n";

static const char script_saved_words[] =
	"var cls={Y:'Y',k:'k',c:'c','.':'n','-':'x','?':'n'};\n"
	"var word={Y:'migrates (strict)',k:'migrates only with revoke-keep',c:'migrates only with revoke-clear',"
	"'.':'does not migrate','-':'the source runs no VMX guests',"
	"'?':'not proven: a partial host migrates for some values of its unknown bits, not for others'};\n";

static const char script_heat[] =
	"var t=el('table',{'class':'hm'}),hd=el('thead'),hr=el('tr');hr.appendChild(el('th'));\n"
	"t.style.setProperty('--cs',Math.max(10,Math.min(26,Math.floor(640/Math.max(1,D.rows.length))))+'px');\n"
	"var every=D.rows.length>40?5:1;\n"
	"for(var j=0;j<D.rows.length;j++){var h=el('th',{title:(j+1)+' '+D.rows[j].name+' \u00b7 '+D.rows[j].desc},"
	"(j+1)%every&&j?'':String(j+1));hr.appendChild(h);}\n"
	"hd.appendChild(hr);t.appendChild(hd);var tb=el('tbody');\n"
	"for(var i=0;i<D.rows.length;i++){var tr=el('tr');"
	"var th=el('th',{title:D.rows[i].name+' \u00b7 '+D.rows[i].desc+' \u00b7 '+D.rows[i].hosts+' host(s)'},(i+1)+' '+D.rows[i].name+' ');"
	"th.appendChild(el('span',{'class':'dsc'},D.rows[i].desc));tr.appendChild(th);\n"
	" for(var j=0;j<D.rows.length;j++){var ch=D.m[i].charAt(j);"
	"var td=el('td',{'class':'cell '+cls[ch]+(i==j?' d':''),id:'c'+i+'_'+j,"
	"title:D.rows[i].name+' \\u2192 '+D.rows[j].name+': '+word[ch]});"
	"td.dataset.i=i;td.dataset.j=j;tr.appendChild(td);}\n"
	" tb.appendChild(tr);}\n"
	"t.appendChild(tb);document.getElementById('heat').appendChild(t);\n"
	"t.addEventListener('click',function(e){var c=e.target;if(!c.dataset||c.dataset.i===undefined)return;"
	"show(+c.dataset.i,+c.dataset.j);history.replaceState(null,'','#cell='+(+c.dataset.i+1)+','+(+c.dataset.j+1));});\n"
	"var sel=null;\n"
	"function fromHash(){var m=/cell=(\\d+),(\\d+)/.exec(location.hash);if(m)show(+m[1]-1,+m[2]-1);}\n"
	"window.addEventListener('hashchange',fromHash);\n"
	/* Both semantics' show(i,j) start here: the reason pane cleared, the cell checked and
	 * selected, its heading; null for a cell outside the matrix. */
	"function cell(i,j){var R=document.getElementById('reason');R.textContent='';\n"
	" if(!(i>=0&&j>=0&&i<D.rows.length&&j<D.rows.length)){R.appendChild(el('p',{'class':'muted'},"
	"'Cell '+(i+1)+','+(j+1)+' is not in this matrix.'));return null;}\n"
	" if(sel)sel.classList.remove('sel');sel=document.getElementById('c'+i+'_'+j);if(sel)sel.classList.add('sel');\n"
	" var a=D.rows[i],b=D.rows[j];\n"
	" R.appendChild(el('h2',null,'Cell '+(i+1)+','+(j+1)+': '+a.name+' \\u2192 '+b.name));\n"
	" return {R:R,a:a,b:b,ch:D.m[i].charAt(j)};}\n";

static const char script_saved[] =
	"function show(i,j){var C=cell(i,j);if(!C)return;var R=C.R,a=C.a,b=C.b,ch=C.ch;\n"
	" R.appendChild(el('p',null,'Source: '+a.desc+' ('+a.hosts+' host'+(a.hosts==1?'':'s')+'), VMs started with its own offer.'));\n"
	" R.appendChild(el('p',null,'Destination: '+b.desc+' ('+b.hosts+' host'+(b.hosts==1?'':'s')+').'));\n"
	" var v=el('p',{'class':'v '+(ch=='Y'?'ok':ch=='k'||ch=='c'?'rv':'bad')},'Verdict: '+word[ch]);R.appendChild(v);\n"
	" var pol=D.cells[i+','+j]||[];\n"
	" if(!pol.length&&ch=='Y')R.appendChild(el('p',null,'Every write is accepted: nvmx check --from-host ... --to ... says MIGRATABLE.'));\n"
	" for(var p=0;p<pol.length;p++){var P=pol[p];R.appendChild(el('h3',null,'Under policy '+D.policies[P[0]]+': rejected'));\n"
	"  for(var q=0;q<P[1].length;q++){var w=D.reasons[P[1][q]];\n"
	"   var d=el('div',{'class':'rej'});d.appendChild(el('p',null,w.msr+' ('+w.index+') = '+w.value+' \\u2014 rule '+w.rule));\n"
	"   d.appendChild(el('p',{'class':'mono'},w.text));\n"
	"   if(w.bits.length){var bt=el('table',{'class':'bits'}),h=el('tr');"
	"['bit','half','SDM','Linux','QEMU'].forEach(function(x){h.appendChild(el('th',null,x));});bt.appendChild(h);\n"
	"    w.bits.forEach(function(x){var r=el('tr');x.forEach(function(y){r.appendChild(el('td',null,String(y)));});bt.appendChild(r);});\n"
	"    d.appendChild(bt);}\n"
	"   R.appendChild(d);}}\n"
	"}\n"
	"fromHash();\n"
	"function lossList(parent,m){var d=el('details'),s=el('summary',null,m[0]+' \\u2014 '+m[1]+' ('+m[2]+' host'+(m[2]==1?'':'s')+'): loses '+m[3]+' feature bit'+(m[3]==1?'':'s'));\n"
	" d.appendChild(s);var u=el('ul',{'class':'loss'});m[4].forEach(function(x){u.appendChild(el('li',null,x));});"
	"if(!m[4].length)u.appendChild(el('li',null,'nothing'));d.appendChild(u);parent.appendChild(d);}\n"
	"function msrTable(parent,ms){var t=el('table',{'class':'msrs mono'});ms.forEach(function(x){var r=el('tr');"
	"r.appendChild(el('td',null,x[0]));r.appendChild(el('td',null,x[1]));t.appendChild(r);});parent.appendChild(t);}\n"
	"var B=document.getElementById('baseline');\n"
	"if(D.baseline.status!='ok')B.appendChild(el('p',{'class':'bad'},'No common baseline: '+D.baseline.status));\n"
	"else{msrTable(B,D.baseline.msrs);B.appendChild(el('p',null,'What each profile gives up:'));"
	"D.baseline.members.forEach(function(m){lossList(B,m);});}\n"
	"var PL=document.getElementById('pools');\n"
	"PL.appendChild(el('p',null,D.pools.length+' pool'+(D.pools.length==1?'':'s')+', '+D.pools_lost+' host-weighted feature bits lost.'));\n"
	"D.pools.forEach(function(p,k){var s=el('div');s.appendChild(el('h3',null,'Pool '+(k+1)+': '+p.hosts+' host'+(p.hosts==1?'':'s')+', '+p.profiles+' profile'+(p.profiles==1?'':'s')));\n"
	" var d=el('details');d.appendChild(el('summary',null,'baseline'));msrTable(d,p.msrs);s.appendChild(d);\n"
	" p.members.forEach(function(m){lossList(s,m);});PL.appendChild(s);});\n"
	"})();\n";

/* Both semantics' page up to the header's first sentence: hosts, profiles, rows shown. */
static void page_start(FILE *out, const struct fleet *f, unsigned nrows, const char *title)
{
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>%s</title>\n<style>%s</style></head>\n<body>\n", title, css);
	fprintf(out, "<header><h1>nvmx fleet report</h1><p>%llu host%s, %u unique profile%s",
		f->inv.nhosts, f->inv.nhosts == 1 ? "" : "s", f->inv.nprof, f->inv.nprof == 1 ? "" : "s");
	if (nrows < f->inv.nprof)
		fprintf(out, "; the %u most common profiles are shown", nrows);
}

void report_html(FILE *out, struct fleet *f, const struct fleet_matrix *mx,
		 const struct nvmx_baseline *b, const struct fleet_pools *pools,
		 const unsigned *rows, unsigned nrows)
{
	struct reasons rs = { 0 };
	page_start(out, f, nrows, "nvmx fleet report");
	fprintf(out, ". Host pairs that migrate:");
	for (unsigned k = 0; k < mx->npol; k++)
		fprintf(out, " %s %.1f%%%s", fleet_policy_name(mx->pol[k]),
			mx->pairs ? 100.0 * (double)mx->ok[k] / (double)mx->pairs : 0.0,
			k + 1 < mx->npol ? "," : ".");
	fprintf(out, "</p></header>\n<main>\n");
	fprintf(out, "<section><h2>Migration matrix</h2>\n<p class=\"legend\" id=\"semantics\">"
		"Semantics <b>saved-msrs</b>: the VMM writes back the VMX MSRs it saved on the source "
		"(QEMU does not: it rebuilds them from the VM's -cpu; <code>nvmx matrix --cpu SPEC</code> "
		"and <code>nvmx check --cpu</code> answer that).</p>\n<p class=\"legend\">Rows are sources (VMs "
		"started with the source's own VMX MSRs), columns destinations; a cell is <code>nvmx "
		"check --from-host A --from-kvm RA --to B --kvm RB</code>. Click a cell for the reason.<br>"
		"<span><i class=\"sw Y\"></i>migrates</span>%s<span><i class=\"sw n\"></i>does not</span>"
		"<span><i class=\"sw x\"></i>source runs no VMX guests</span></p>\n"
		"<div id=\"wrap\"><div id=\"heat\"></div><div id=\"reason\"><p class=\"muted\">Select a "
		"cell.</p></div></div></section>\n",
		mx->npol > 1 ? "<span><i class=\"sw k\"></i>only with a revoke policy</span>" : "");
	fprintf(out, "<section><h2>Baseline</h2><div id=\"baseline\"></div></section>\n"
		"<section><h2>Pools</h2><div id=\"pools\"></div></section>\n"
		"<p class=\"muted\">Generated by nvmx; self-contained, nothing is fetched.</p>\n</main>\n");

	fprintf(out, "<script type=\"application/json\" id=\"data\">{\"policies\":[");
	for (unsigned k = 0; k < mx->npol; k++)
		fprintf(out, "%s\"%s\"", k ? "," : "", fleet_policy_name(mx->pol[k]));
	fprintf(out, "],\"rows\":[");
	for (unsigned i = 0; i < nrows; i++) {
		const struct nvmx_inventory_profile *p = &f->inv.prof[rows[i]];
		char desc[256];
		fleet_profile_desc(p, desc, sizeof(desc));
		fprintf(out, "%s{\"name\":", i ? "," : "");
		js_str(out, p->name);
		fprintf(out, ",\"desc\":");
		js_str(out, desc);
		fprintf(out, ",\"hosts\":%llu}\n", p->count);
	}
	fprintf(out, "],\"m\":[");
	static const char mark[3] = { 'Y', 'k', 'c' };
	for (unsigned i = 0; i < nrows; i++) {
		fprintf(out, "%s\"", i ? "," : "");
		for (unsigned j = 0; j < nrows; j++) {
			char ch = '.';
			for (unsigned k = 0; k < mx->npol; k++) {
				int c = fleet_cell(f, mx, k, rows[i], rows[j]);
				if (c == NVMX_CELL_NA) {
					ch = '-';
					break;
				}
				if (c == NVMX_CELL_YES) {
					ch = mx->npol == 1 ? 'Y' : mark[mx->pol[k]];
					break;
				}
				if (c == NVMX_CELL_NOT_PROVEN) {	/* a partial host */
					ch = '?';
					break;
				}
			}
			fputc(ch, out);
		}
		fprintf(out, "\"\n");
	}
	fprintf(out, "],\"cells\":{");
	bool first = true;
	for (unsigned i = 0; i < nrows; i++)
		for (unsigned j = 0; j < nrows; j++) {
			bool any = false;
			for (unsigned k = 0; k < mx->npol; k++) {
				if (fleet_cell(f, mx, k, rows[i], rows[j]) != NVMX_CELL_NO)
					continue;
				struct nvmx_migration m;
				fleet_cell_run(f, mx, k, rows[i], rows[j], &m);
				if (!any)
					fprintf(out, "%s\"%u,%u\":[", first ? "" : ",", i, j);
				fprintf(out, "%s[%u,[", any ? "," : "", k);
				first = false;
				any = true;
				bool fw = true;
				for (unsigned w = 0; w < m.nwrites; w++)
					if (m.writes[w].r.rc) {
						fprintf(out, "%s%zu", fw ? "" : ",", reason_id(&rs, write_json(&m.writes[w])));
						fw = false;
					}
				fputs("]]", out);
			}
			if (any)
				fputs("]\n", out);
		}
	fprintf(out, "},\"reasons\":[");
	for (size_t r = 0; r < rs.n; r++) {
		fprintf(out, "%s%s\n", r ? "," : "", rs.text[r]);
		free(rs.text[r]);
	}
	free(rs.text);
	free(rs.table);
	fprintf(out, "],\"baseline\":{\"status\":");
	js_str(out, b->status == NVMX_BASELINE_OK ? "ok" : nvmx_baseline_status_text(b->status));
	fprintf(out, ",\"msrs\":");
	msrs_json(out, &b->msrs);
	fprintf(out, ",\"members\":[");
	for (unsigned i = 0; b->status == NVMX_BASELINE_OK && i < nrows; i++) {
		fputs(i ? ",\n" : "", out);
		member_json(out, f, rows[i], &b->msrs);
	}
	fprintf(out, "]},\"pools_lost\":%llu,\"pools\":[", pools->lost);
	for (unsigned q = 0; q < pools->n; q++) {
		fprintf(out, "%s{\"hosts\":%llu,\"profiles\":%u,\"msrs\":", q ? "," : "", pools->hosts[q],
			pools->profiles[q]);
		msrs_json(out, &pools->b[q].msrs);
		fprintf(out, ",\"members\":[");
		bool fm = true;
		for (unsigned i = 0; i < f->inv.nprof; i++)
			if (pools->pool_of[i] == q) {
				fputs(fm ? "" : ",\n", out);
				member_json(out, f, i, &pools->b[q].msrs);
				fm = false;
			}
		fprintf(out, "]}");
	}
	fprintf(out, "]}</script>\n<script>\n%s%s%s%s</script>\n</body></html>\n", script_head,
		script_saved_words, script_heat, script_saved);
}

/* ---- semantics qemu: the destination QEMU rebuilds the VMX MSRs from the -cpu ---------- */

static const char script_qemu_words[] =
	"var cls={Y:'Y',c:'c','.':'n'};\n"
	"var word={Y:'safe',c:'L1-visible change (it starts, but L1\\u2019s VMX MSRs change)',"
	"'.':'fails (the -cpu does not start there, or not on the source)'};\n";

static const char script_qemu[] =
	"function show(i,j){var C=cell(i,j);if(!C)return;var R=C.R,a=C.a,b=C.b,ch=C.ch;\n"
	" R.appendChild(el('p',null,'-cpu '+D.cpu+' (QEMU '+D.qemu+') started on '+a.desc+', migrated to '+b.desc+'.'));\n"
	" R.appendChild(el('p',{'class':'v '+(ch=='Y'?'ok':ch=='c'?'rv':'bad')},'Verdict: '+word[ch]));\n"
	" var w=D.why[i+','+j]||[];if(!w.length&&ch=='Y')R.appendChild(el('p',null,"
	"'L1 reads the same VMX MSRs on both sides: nvmx check --cpu ... says safe.'));\n"
	" w.forEach(function(x){R.appendChild(el('p',{'class':'mono'},x));});\n"
	"}\n"
	"fromHash();\n"
	"})();\n";

/* The lines of buf (NUL-terminated, freed here) as a JSON array of strings. */
static void lines_json(FILE *out, char *buf)
{
	bool first = true;
	fputc('[', out);
	for (char *s = buf, *nl; s && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl)
			nl = s + strlen(s) - 1;
		else
			*nl = 0;
		fputs(first ? "" : ",", out);
		js_str(out, s);
		first = false;
	}
	fputc(']', out);
	free(buf);
}

static void qemu_lines(FILE *m, const struct nvmx_qmig_side *s)
{
	char line[512];
	for (unsigned i = 0; nvmx_qemu_message(&s->plan, &s->rep, i, line, sizeof(line)); i++)
		fprintf(m, "  QEMU: %s\n", line);
}

static void change_lines(FILE *m, enum nvmx_msr_id id, uint64_t bits, const char *what)
{
	if (!bits)
		return;
	if (nvmx_msr_desc(id)->layout != NVMX_LAYOUT_CONTROLS) {
		fprintf(m, "  %s: ", what);
		print_field_names(m, id, bits);
		fputc('\n', m);
		return;
	}
	if (nvmx_hi(bits)) {
		fprintf(m, "  may be 1, %s: ", what);
		print_bit_names(m, id, nvmx_hi(bits), 32);
		fputc('\n', m);
	}
	if (nvmx_lo(bits)) {
		fprintf(m, "  must be 1, %s: ", what);
		print_bit_names(m, id, nvmx_lo(bits), 0);
		fputc('\n', m);
	}
}

/* Why a cell is not safe, one line each, as check --cpu says it. */
static void why_json(FILE *out, const struct nvmx_qemu_migration *q)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		exit(EXIT_USAGE);
	if (!q->src.starts) {
		fprintf(m, "The -cpu does not start on the source: no such VM runs there.\n");
		qemu_lines(m, &q->src);
	} else if (!q->dst.starts) {
		fprintf(m, "The destination QEMU does not start the same -cpu: the migration fails, "
			"the VM stays on the source.\n");
		qemu_lines(m, &q->dst);
	} else {
		if (q->cpuid_gone & NVMX_FEAT(NVMX_F_VMX))
			fprintf(m, "QEMU there drops vmx from the guest: L1 loses VMX.\n");
		for (int id = 0; id < NVMX_MSR_COUNT; id++) {
			enum nvmx_msr_id e = (enum nvmx_msr_id)id;
			bool a = nvmx_msrs_has(&q->src.l1, e), b = nvmx_msrs_has(&q->dst.l1, e);
			if (a == b && (!a || q->src.l1.val[id] == q->dst.l1.val[id]))
				continue;
			fprintf(m, "%s: ", nvmx_msr_desc(e)->sdm);
			if (a)
				fprintf(m, "0x%016llx", (unsigned long long)q->src.l1.val[id]);
			else
				fprintf(m, "(#GP)");
			fprintf(m, " -> ");
			if (b)
				fprintf(m, "0x%016llx\n", (unsigned long long)q->dst.l1.val[id]);
			else
				fprintf(m, "(#GP)\n");
			change_lines(m, e, q->gone[id], "vanish");
			change_lines(m, e, q->appeared[id], "appear");
		}
		if (q->cpuid_gone || q->cpuid_appeared) {
			fprintf(m, "guest CPUID, source -> destination:");
			for (int f = 0; f < NVMX_F_COUNT; f++) {
				if (q->cpuid_gone & NVMX_FEAT(f))
					fprintf(m, " -%s", nvmx_feature_name((enum nvmx_feature)f));
				if (q->cpuid_appeared & NVMX_FEAT(f))
					fprintf(m, " +%s", nvmx_feature_name((enum nvmx_feature)f));
			}
			fputc('\n', m);
		}
	}
	fclose(m);
	lines_json(out, buf);
}

void report_html_qemu(FILE *out, struct fleet *f, const unsigned *rows, unsigned nrows,
		      const char *cells, const unsigned long long counts[3], const char *spec,
		      const struct nvmx_qemu_release *rel, const struct nvmx_qemu_env *env,
		      const struct nvmx_qemu_cpu *cpu)
{
	static struct nvmx_qemu_migration q;
	unsigned long long pairs = counts[0] + counts[1] + counts[2];
	page_start(out, f, nrows, "nvmx fleet report (QEMU -cpu)");
	fprintf(out, ". Ordered pairs shown: %llu safe (%.1f%%), %llu L1-visible change, %llu fail."
		"</p></header>\n<main>\n", counts[0],
		pairs ? 100.0 * (double)counts[0] / (double)pairs : 0.0, counts[1], counts[2]);
	fprintf(out, "<section><h2>Migration matrix</h2>\n<p class=\"legend\" id=\"semantics\">"
		"Semantics <b>qemu</b>: the VM runs <code>-cpu ");
	html_text(out, spec);
	fprintf(out, "</code> (QEMU %s); the destination QEMU builds the VMX MSRs again from the "
		"same -cpu and what its KVM offers (they are not in QEMU's migration stream). A cell is "
		"<code>nvmx check --cpu SPEC --from-host A --from-kvm RA --to B --kvm RB</code>.</p>\n"
		"<p class=\"legend\">Rows are sources, columns destinations. Click a cell for the reason."
		"<br><span><i class=\"sw Y\"></i>safe</span><span><i class=\"sw c\"></i>L1-visible "
		"change</span><span><i class=\"sw n\"></i>fails</span></p>\n"
		"<div id=\"wrap\"><div id=\"heat\"></div><div id=\"reason\"><p class=\"muted\">Select a "
		"cell.</p></div></div></section>\n"
		"<p class=\"muted\">Per-pool -cpu and libvirt &lt;cpu&gt;: <code>nvmx pools --format "
		"qemu|libvirt</code>. Generated by nvmx; self-contained, nothing is fetched.</p>\n</main>\n",
		rel->name);
	fprintf(out, "<script type=\"application/json\" id=\"data\">{\"semantics\":\"qemu\",\"cpu\":");
	js_str(out, spec);
	fprintf(out, ",\"qemu\":\"%s\",\"pairs\":{\"safe\":%llu,\"l1_visible_change\":%llu,"
		"\"fails\":%llu},\"rows\":[", rel->name, counts[0], counts[1], counts[2]);
	for (unsigned i = 0; i < nrows; i++) {
		const struct nvmx_inventory_profile *p = &f->inv.prof[rows[i]];
		char desc[256];
		fleet_profile_desc(p, desc, sizeof(desc));
		fprintf(out, "%s{\"name\":", i ? "," : "");
		js_str(out, p->name);
		fprintf(out, ",\"desc\":");
		js_str(out, desc);
		fprintf(out, ",\"hosts\":%llu}\n", p->count);
	}
	fprintf(out, "],\"m\":[");
	for (unsigned i = 0; i < nrows; i++)
		fprintf(out, "%s\"%.*s\"\n", i ? "," : "", (int)nrows, cells + (size_t)i * nrows);
	fprintf(out, "],\"why\":{");
	bool first = true;
	for (unsigned i = 0; i < nrows; i++)
		for (unsigned j = 0; j < nrows; j++) {
			if (cells[(size_t)i * nrows + j] == 'Y')
				continue;
			nvmx_qemu_migrate(&q, &env[i], &env[j], cpu, NULL);
			fprintf(out, "%s\"%u,%u\":", first ? "" : ",\n", i, j);
			why_json(out, &q);
			first = false;
		}
	fprintf(out, "}}</script>\n<script>\n%s%s%s%s</script>\n</body></html>\n", script_head,
		script_qemu_words, script_heat, script_qemu);
}
