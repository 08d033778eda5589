"""The platforms' size limits, as the platforms and their own libraries state them.

Every Slack and Discord renderer stays within these; the tests check each one.
Lengths are Python `len` (code points), which is how both APIs count.
"""

from __future__ import annotations

# --- Slack -------------------------------------------------------------------------

SLACK_MAX_BLOCKS = 50  # Block Kit reference: "up to 50 blocks" per message
SLACK_SECTION_TEXT_MAX = 3000  # slack_sdk SectionBlock.text_max_length
SLACK_HEADER_TEXT_MAX = 150  # slack_sdk HeaderBlock.text_max_length
SLACK_CONTEXT_ELEMENTS_MAX = 10  # slack_sdk ContextBlock.elements_max_length
SLACK_MESSAGE_BLOCK_TEXT_MAX = 12000  # chat.postMessage: about 12k characters of block text
SLACK_FALLBACK_TEXT_MAX = 3000  # ours: the `text` fallback feeds notifications, keep it short

# --- Discord -----------------------------------------------------------------------

DISCORD_CONTENT_MAX = 2000  # discord.py Messageable.send: content up to 2000 characters
DISCORD_EMBED_TITLE_MAX = 256  # discord.py Embed.title: "up to 256 characters"
DISCORD_EMBED_DESCRIPTION_MAX = 4096  # discord.py Embed.description: "up to 4096 characters"
DISCORD_EMBED_FIELDS_MAX = 25  # discord.py Embed.add_field: "up to 25 fields"
DISCORD_FIELD_NAME_MAX = 256  # discord.py Embed.add_field: name "up to 256 characters"
DISCORD_FIELD_VALUE_MAX = 1024  # discord.py Embed.add_field: value "up to 1024 characters"
DISCORD_FOOTER_MAX = 2048  # discord.py Embed.set_footer: "up to 2048 characters"
DISCORD_EMBED_TOTAL_MAX = 6000  # discord.py Embed.__len__; Discord counts it per message too
DISCORD_EMBEDS_PER_MESSAGE_MAX = 10  # discord.py Messageable.send: embeds "a maximum of 10"

# --- ours --------------------------------------------------------------------------

MAX_MESSAGES_PER_REPLY = 3  # ours: past this a reply ends "+N more" rather than flood a channel

# --- ours: our own text inside a chat message ------------------------------------------

OWN_TEXT_MAX = 800  # a point's statement or a change's subject: well under a section's 3000
SUBJECT_MAX = OWN_TEXT_MAX // 4  # a point's subject in its Slack heading line
LIST_MAX = 1000  # a point's conditions, speakers or outlets, joined, before "+N more"
TOPIC_MAX = 200  # the topic asked for, above a brief's summary
ACTOR_NAME_MAX = 100  # the actor leading a digest's new position
# A digest's title names its actors, so a digest of many is clipped; continuation
# lines repeat it, and each must stay a short line.
DIGEST_TITLE_MAX = 300
