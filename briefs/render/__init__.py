"""Renderers: briefs, digests, stance matrices, actor, quote and issue lists for every surface.

`view` turns each result into a neutral view (headings, details, verbatim quotes, what
was left out), in the words of `wording`. Text (`text`), Markdown (`markdown`), Slack
(`slack`, with `slack_blocks`) and Discord (`discord`, with `discord_embeds`) serialise
those views: they escape article text for their platform, keep its limits (`limits`)
and, on chat, pack a reply into messages (`pack`). JSON (`json`) is the contract and
is spelled out key by key from the models. Missing values are left out, never shown
as "None".
"""
